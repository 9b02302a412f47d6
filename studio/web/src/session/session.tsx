import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { accessAllows, type RouteAccess } from '@shotfarm/shared';
import { getSession, logIn as postSession, logOut as deleteSession, onUnauthenticated, type SessionAnswer, type SessionUser } from '../api/client.ts';

/** What a page or button of the studio may require: any signed-in user, a role, or any of several roles. */
export type StudioAccess = Exclude<RouteAccess, 'public' | 'storefront'>;

export type SessionStatus = 'loading' | 'error' | 'anonymous' | 'signed-in';

export interface Session {
  status: SessionStatus;
  /** The signed-in person; null while loading, when signed out, or when the session could not be read. */
  user: SessionUser | null;
  /** Why `GET /api/session` failed (status 'error': the API is down, not a 401). */
  error: unknown;
  /** Whether the person logged out here (else an anonymous visitor, or a session that ended elsewhere). */
  loggedOut: boolean;
  /** Reads the session again (after an 'error'). */
  reload: () => void;
  /** Logs in; on success the whole studio sees the new user. Throws the API's error (wrong password, 429, …). */
  logIn: (email: string, password: string) => Promise<SessionUser>;
  logOut: () => Promise<void>;
  /** Whether the signed-in user's roles allow `access` (the same rule the API enforces). */
  allows: (access: StudioAccess) => boolean;
}

/** The react-query key of `GET /api/session`'s answer (null: nobody signed in). */
export const sessionQueryKey = ['session'] as const;

const SessionContext = createContext<Session | null>(null);

/**
 * Loads `GET /api/session` when the studio starts and shares who is signed in. Any API call that answers 401
 * (the session expired, or was ended elsewhere) signs the studio out, which sends the page to the login form.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: sessionQueryKey,
    queryFn: ({ signal }) => getSession(signal),
    staleTime: Infinity,
    retry: 1, // a 401 is an answer (null), not a failure, so only a network or server error is retried
  });

  const [loggedOut, setLoggedOut] = useState(false);

  const signOutLocally = useCallback(() => {
    // Nothing the previous user saw may show for whoever signs in next.
    queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== sessionQueryKey[0] });
    queryClient.setQueryData<SessionAnswer | null>(sessionQueryKey, null);
  }, [queryClient]);

  useEffect(() => onUnauthenticated(signOutLocally), [signOutLocally]);

  const logIn = useCallback(async (email: string, password: string) => {
    const session = await postSession(email, password);
    queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== sessionQueryKey[0] });
    queryClient.setQueryData<SessionAnswer | null>(sessionQueryKey, session);
    setLoggedOut(false);
    return session.user;
  }, [queryClient]);

  const logOut = useCallback(async () => {
    try {
      await deleteSession();
    } finally {
      setLoggedOut(true);
      signOutLocally();
    }
  }, [signOutLocally]);

  const user = query.data?.user ?? null;
  const status: SessionStatus = query.isPending ? 'loading' : query.isError && query.data === undefined ? 'error' : user ? 'signed-in' : 'anonymous';
  const allows = useCallback((access: StudioAccess) => user !== null && accessAllows(access, { kind: 'user', roles: user.roles }), [user]);
  const { refetch } = query;
  const reload = useCallback(() => void refetch(), [refetch]);

  const value = useMemo<Session>(
    () => ({ status, user, error: query.error, loggedOut, reload, logIn, logOut, allows }),
    [status, user, query.error, loggedOut, reload, logIn, logOut, allows],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** Who is signed in, and the means to log in and out. Only inside `SessionProvider`. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession needs a SessionProvider above it');
  return session;
}
