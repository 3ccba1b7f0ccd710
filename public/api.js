// api.js: the page's HTTP client for the Courtside API: JSON in and out,
// the session's bearer token, and failures thrown as ApiError (the API's
// code, message and extra fields, or "network" when nothing answered).
export class ApiError extends Error {
  constructor({ status = 0, error = "network", message = "no answer", ...extra }) {
    super(message);
    this.status = status;
    this.code = error;
    this.rule = extra.rule;
    this.field = extra.field;
  }
}

export class Api {
  // `tokenOf`: a function giving the current session token, or null.
  constructor(tokenOf) {
    this.tokenOf = tokenOf;
  }

  get(path) {
    return this.request("GET", path);
  }

  post(path, body) {
    return this.request("POST", path, body);
  }

  delete(path, body) {
    return this.request("DELETE", path, body);
  }

  // The parsed JSON body of a 2xx answer; otherwise throws ApiError.
  async request(method, path, body) {
    const response = await this.raw(method, path, body);
    const text = await response.text();
    let value = null;
    try {
      value = text === "" ? {} : JSON.parse(text);
    } catch {
      throw new ApiError({ status: response.status, error: "internal", message: "the server's answer was not understood" });
    }
    if (!response.ok) throw new ApiError({ status: response.status, ...value });
    return value;
  }

  // The Response itself (for files such as a calendar); network failures
  // become ApiError("network").
  async raw(method, path, body) {
    const headers = {};
    const token = this.tokenOf();
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    const init = { method, headers };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    try {
      return await fetch(path, init);
    } catch {
      throw new ApiError({});
    }
  }
}
