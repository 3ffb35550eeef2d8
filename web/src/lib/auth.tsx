import { createContext, useContext } from 'react';
import type { User } from '../api/types.ts';

export interface AuthState {
  user: User;
  signOut: () => void;
}

export const AuthContext = createContext<AuthState | null>(null);

export function useAuth(): AuthState {
  const a = useContext(AuthContext);
  if (!a) throw new Error('useAuth outside a signed-in page');
  return a;
}

/** Who may record incidents and import files. The server decides anyway; the UI only hides what it would refuse. */
export function canRecord(user: User): boolean {
  return user.role === 'secretariat';
}

/** Who sees the administration screens (accounts, ledger). The server's policy decides anyway. */
export function canAdminister(user: User): boolean {
  return user.role === 'admin';
}
