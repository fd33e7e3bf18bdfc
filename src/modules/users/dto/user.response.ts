import type { User } from '../user.entity';

/** The RealWorld `User` object: the caller's own account, with a fresh token. */
export interface UserResponse {
  user: {
    email: string;
    token: string;
    username: string;
    bio: string | null;
    image: string | null;
  };
}

export function toUserResponse(user: User, token: string): UserResponse {
  return {
    user: { email: user.email, token, username: user.username, bio: user.bio, image: user.image },
  };
}
