import { Service } from 'typedi';
import type { GraphqlContext } from '../../graphql/context';
import { validInput } from '../../graphql/input';
import { CommentsService } from './comments.service';
import { type CommentView, CreateCommentRequest } from './dto/comment.dto';

@Service()
export class CommentsResolver {
  constructor(private readonly comments: CommentsService) {}

  async list(args: { slug: string }, context: GraphqlContext): Promise<CommentView[]> {
    return this.comments.list(args.slug, await context.viewer());
  }

  async addComment(args: { slug: string; body: string }, context: GraphqlContext): Promise<CommentView> {
    const author = await context.requireViewer();
    const { comment } = await validInput(CreateCommentRequest, { comment: { body: args.body } });
    return this.comments.create(author, args.slug, comment);
  }

  async deleteComment(args: { slug: string; id: number }, context: GraphqlContext): Promise<boolean> {
    await this.comments.delete(await context.requireViewer(), args.slug, args.id);
    return true;
  }
}
