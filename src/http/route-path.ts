/**
 * A request path as the router matches it: case-insensitively, with or without trailing
 * slashes. Middleware that acts on particular routes (limits, the OAuth error shape) compares
 * this, so `/API/Users/Login/` cannot slip past what `/api/users/login` gets.
 */
export function routePath(path: string): string {
  const lower = path.toLowerCase();
  return lower.length > 1 ? lower.replace(/\/+$/, '') || '/' : lower;
}
