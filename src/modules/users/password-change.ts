import { Token } from 'typedi';

/**
 * Told when a user's password changes, inside the transaction that changes it: what depends on
 * the old password (refresh tokens) is revoked with the change or not at all. Modules that depend
 * on users (oauth) register one in the composition root; users never imports them.
 */
export interface PasswordChangeListener {
  passwordChanged(userId: number): Promise<void>;
}

export const PASSWORD_CHANGE_LISTENERS = new Token<readonly PasswordChangeListener[]>('users.passwordChangeListeners');
