import {
  Authorized,
  Body,
  CurrentUser,
  Delete,
  Get,
  HttpCode,
  JsonController,
  OnUndefined,
  Param,
  Post,
} from 'routing-controllers';
import { Service } from 'typedi';
import { PLAIN_RESPONSES } from '../../http/controller-options';
import { Documented } from '../../http/openapi/documented';
import type { User } from '../users/user.entity';
import { CommentsService } from './comments.service';
import { CreateCommentRequest, MultipleCommentsResponse, SingleCommentResponse } from './dto/comment.dto';

@Service()
@JsonController('/api/articles/:slug/comments', PLAIN_RESPONSES)
export class CommentsController {
  constructor(private readonly comments: CommentsService) {}

  @Get('/')
  @Documented({
    summary: "An article's comments, oldest first",
    auth: 'optional',
    responses: { 200: MultipleCommentsResponse },
    errors: [404],
  })
  async list(
    @Param('slug') slug: string,
    @CurrentUser({ required: false }) viewer?: User,
  ): Promise<MultipleCommentsResponse> {
    return { comments: await this.comments.list(slug, viewer) };
  }

  @Post('/')
  @HttpCode(201)
  @Authorized()
  @Documented({
    summary: 'Comment on an article',
    auth: 'required',
    body: true,
    responses: { 201: SingleCommentResponse },
    errors: [404],
  })
  async create(
    @Param('slug') slug: string,
    @Body() body: CreateCommentRequest,
    @CurrentUser({ required: true }) author: User,
  ): Promise<SingleCommentResponse> {
    return { comment: await this.comments.create(author, slug, body.comment) };
  }

  @Delete('/:id')
  @Authorized()
  @OnUndefined(204)
  @Documented({
    summary: "Delete a comment (the comment's author only)",
    auth: 'required',
    responses: { 204: 'none' },
    errors: [403, 404, 422],
  })
  async delete(
    @Param('slug') slug: string,
    @Param('id') id: number,
    @CurrentUser({ required: true }) user: User,
  ): Promise<void> {
    await this.comments.delete(user, slug, id);
  }
}
