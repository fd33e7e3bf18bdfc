import {
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  parse,
  type SelectionSetNode,
  type Source,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { type ComplexityEstimator, createComplexityRule } from 'graphql-query-complexity';
import type { GraphqlLimits } from '../config/config';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../modules/articles/dto/article-fields';

/** Comments an article shows by default through `Article.comments(first)`, and the most. */
export const DEFAULT_FIRST_COMMENTS = 5;
export const MAX_FIRST_COMMENTS = 20;
/** What `comments(slug)` (unpaged) is priced at per comment: a typical article's count. */
const UNPAGED_COMMENTS_ESTIMATE = 20;

/** The error every limit answers with: `extensions.code` names the limit. */
function limitError(code: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

/** Parses with a token budget: the parser stops at the first token over, before building more. */
export function parseWithin(limits: GraphqlLimits) {
  return (query: string | Source): DocumentNode => {
    try {
      return parse(query, { maxTokens: limits.maxTokens });
    } catch (error) {
      if (error instanceof GraphQLError && /contains more th\w+ \d+ tokens/.test(error.message)) {
        throw limitError('QUERY_TOO_LARGE', `the document has more than ${limits.maxTokens} tokens`);
      }
      throw error;
    }
  };
}

/**
 * The validation rules that bound what one operation may cost. They run with graphql-js's own
 * rules, after parsing and before execution: a rejected operation never reaches a resolver, so
 * it sends no SQL.
 */
export function limitRules(limits: GraphqlLimits, variables: Record<string, unknown> | undefined): ValidationRule[] {
  const rules: ValidationRule[] = [depthLimit(limits.maxDepth), aliasLimit(limits.maxAliases)];
  rules.push(
    createComplexityRule({
      maximumComplexity: limits.maxCost,
      variables: variables ?? {},
      estimators: [pagedCost],
      createError: (max, actual) =>
        limitError('QUERY_TOO_COSTLY', `the operation costs ${actual}, more than the maximum of ${max}`),
    }),
  );
  if (!limits.introspection) rules.push(NoSchemaIntrospectionCustomRule);
  return rules;
}

/** An integer argument as the resolver will see it (clamped the same way), or the default. */
function pageSize(value: unknown, fallback: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) return fallback;
  return Math.min(value, max);
}

/**
 * Each field costs 1, and what it selects costs once per item of its list: a page of articles is
 * priced at its (clamped) limit, an article's comments at their `first`.
 */
const pagedCost: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  let items = 1;
  if (type.name === 'Query' && (field.name === 'articles' || field.name === 'feed')) {
    items = pageSize(args.limit, DEFAULT_LIMIT, MAX_LIMIT);
  } else if (type.name === 'Article' && field.name === 'comments') {
    items = pageSize(args.first, DEFAULT_FIRST_COMMENTS, MAX_FIRST_COMMENTS);
  } else if (type.name === 'Query' && field.name === 'comments') {
    items = UNPAGED_COMMENTS_ESTIMATE;
  }
  return 1 + items * childComplexity;
};

/** Rejects an operation whose fields nest deeper than `max` (fragments followed, cycles cut). */
export function depthLimit(max: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const depthOf = (selectionSet: SelectionSetNode, seen: ReadonlySet<string>): number => {
      let deepest = 0;
      for (const selection of selectionSet.selections) {
        let depth = 0;
        if (selection.kind === Kind.FIELD) {
          depth = 1 + (selection.selectionSet ? depthOf(selection.selectionSet, seen) : 0);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          depth = depthOf(selection.selectionSet, seen);
        } else {
          const name = selection.name.value;
          const fragment = fragments.get(name);
          // A cycle is reported by graphql-js's own NoFragmentCycles rule; an unknown one too.
          if (fragment && !seen.has(name)) depth = depthOf(fragment.selectionSet, new Set([...seen, name]));
        }
        // Stop walking as soon as the answer is known: a hostile document cannot make this slow.
        if (depth > max) return depth;
        deepest = Math.max(deepest, depth);
      }
      return deepest;
    };
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, new Set());
        if (depth > max) {
          context.reportError(limitError('QUERY_TOO_DEEP', `the operation nests deeper than ${max} levels`));
        }
      },
    };
  };
}

/** Rejects a document with more than `max` aliased fields. */
export function aliasLimit(max: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    let aliases = 0;
    return {
      Field(node) {
        if (!node.alias) return;
        aliases += 1;
        if (aliases === max + 1) {
          context.reportError(limitError('TOO_MANY_ALIASES', `the document has more than ${max} aliases`));
        }
      },
    };
  };
}
