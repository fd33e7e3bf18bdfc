/** The RealWorld `Profile`: a user as others see them. */
export interface Profile {
  username: string;
  bio: string | null;
  image: string | null;
  following: boolean;
}

export interface ProfileResponse {
  profile: Profile;
}

/** The author columns every read query selects, under these names. */
export interface ProfileRow {
  username: string;
  bio: string | null;
  image: string | null;
  following: boolean;
}

export function toProfile(row: ProfileRow): Profile {
  return { username: row.username, bio: row.bio, image: row.image, following: row.following };
}

/** The author columns for content the caller just wrote: nobody follows themselves. */
export function ownProfileRow(user: { username: string; bio: string | null; image: string | null }): ProfileRow {
  return { username: user.username, bio: user.bio, image: user.image, following: false };
}
