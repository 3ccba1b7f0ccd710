// session.js: who is signed in on this browser. Keeps the member id and
// session token in localStorage until the token expires or the member signs
// out. Signing in uses the development endpoint (POST /api/dev/token),
// which exists only when the server runs in development; elsewhere an
// identity provider would hand the page a token.
const KEY = "courtside.session";

export class Session {
  constructor() {
    this.current = null;
    try {
      const stored = JSON.parse(localStorage.getItem(KEY));
      if (stored && Date.parse(stored.expiresAt) > Date.now()) this.current = stored;
    } catch {
      // nothing usable stored
    }
  }

  get token() {
    return this.current?.token ?? null;
  }

  get memberId() {
    return this.current?.memberId ?? null;
  }

  // Signs in as `memberId` through the development endpoint (throws ApiError).
  async signIn(api, memberId) {
    const minted = await api.post("/api/dev/token", { memberId });
    this.current = { memberId, token: minted.token, expiresAt: minted.expiresAt };
    localStorage.setItem(KEY, JSON.stringify(this.current));
  }

  // Closes the session on the server (best effort) and forgets it here.
  async signOut(api) {
    try {
      await api.post("/api/auth/logout");
    } catch {
      // already signed out or unreachable: forgetting it here is enough
    }
    this.forget();
  }

  forget() {
    this.current = null;
    localStorage.removeItem(KEY);
  }
}
