import { User } from '../modules/users/user.entity';

/**
 * Every entity, listed explicitly: discovery by folder glob breaks in compiled builds and bundles.
 */
export const entities = [User];
