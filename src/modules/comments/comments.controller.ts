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
import type { User } from '../users/user.entity';
import { CommentsService } from './comments.service';
import { type CommentView, CreateCommentRequest } from './dto/comment.dto';

@Service()
@JsonController('/api/articles/:slug/comments', PLAIN_RESPONSES)
export class CommentsController {
  constructor(private readonly comments: CommentsService) {}

  @Get('/')
  async list(
    @Param('slug') slug: string,
    @CurrentUser({ required: false }) viewer?: User,
  ): Promise<{ comments: CommentView[] }> {
    return { comments: await this.comments.list(slug, viewer) };
  }

  @Post('/')
  @HttpCode(201)
  @Authorized()
  async create(
    @Param('slug') slug: string,
    @Body() body: CreateCommentRequest,
    @CurrentUser({ required: true }) author: User,
  ): Promise<{ comment: CommentView }> {
    return { comment: await this.comments.create(author, slug, body.comment) };
  }

  @Delete('/:id')
  @Authorized()
  @OnUndefined(204)
  async delete(
    @Param('slug') slug: string,
    @Param('id') id: number,
    @CurrentUser({ required: true }) user: User,
  ): Promise<void> {
    await this.comments.delete(user, slug, id);
  }
}
