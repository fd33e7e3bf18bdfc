import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { Service } from 'typedi';
import type { GraphqlContext } from '../../graphql/context';
import { validInput } from '../../graphql/input';
import { CommentType } from '../../graphql/types';
import { CommentsService } from './comments.service';
import { type CommentView, CreateCommentRequest } from './dto/comment.dto';

@Service()
@Resolver(() => CommentType)
export class CommentsResolver {
  constructor(private readonly comments: CommentsService) {}

  @Query(() => [CommentType], { name: 'comments', description: 'Every comment on the article, newest first.' })
  async list(@Arg('slug', () => String) slug: string, @Ctx() context: GraphqlContext): Promise<CommentView[]> {
    return this.comments.list(slug, await context.viewer());
  }

  @Mutation(() => CommentType)
  async addComment(
    @Arg('slug', () => String) slug: string,
    @Arg('body', () => String) body: string,
    @Ctx() context: GraphqlContext,
  ): Promise<CommentView> {
    const author = await context.requireViewer();
    const { comment } = await validInput(CreateCommentRequest, { comment: { body } });
    return this.comments.create(author, slug, comment);
  }

  @Mutation(() => Boolean)
  async deleteComment(
    @Arg('slug', () => String) slug: string,
    @Arg('id', () => Int) id: number,
    @Ctx() context: GraphqlContext,
  ): Promise<boolean> {
    await this.comments.delete(await context.requireViewer(), slug, id);
    return true;
  }
}
