// The one way pages reach the api: same origin, the pasted key as a Bearer token. The key lives
// in sessionStorage (this tab only, gone when it closes), never in a URL or a cookie.

const KEY_STORAGE = 'parcelwatch.apiKey';

export const session = {
  key: () => window.sessionStorage.getItem(KEY_STORAGE),
  signIn: (key) => window.sessionStorage.setItem(KEY_STORAGE, key),
  signOut: () => window.sessionStorage.removeItem(KEY_STORAGE),
};

/** An answer that was not 2xx, with the api's own message. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function failure(response) {
  let code = `http_${response.status}`;
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = await response.json();
    if (typeof body.message === 'string') message = body.message;
    if (typeof body.error === 'string') code = body.error;
  } catch {
    // Not JSON: the status line says what there is to say.
  }
  return new ApiError(response.status, code, message);
}

/** fetch with the key; throws ApiError on 4xx/5xx. `key` overrides the stored one (sign-in check). */
export async function call(path, { method = 'GET', body, accept = 'application/json', key } = {}) {
  const headers = { accept };
  const token = key ?? session.key();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) throw await failure(response);
  return response;
}

export async function getJson(path, options) {
  return (await call(path, options)).json();
}

/** `GET /v1/me` for the key in use: its name, role and what it may do. Asked once per key. */
let me = { key: null, answer: null };
export function whoami() {
  const key = session.key();
  if (me.key !== key || me.answer === null) {
    const answer = getJson('/v1/me');
    me = { key, answer };
    // A failed answer is not kept: the next view asks again.
    answer.catch(() => {
      if (me.answer === answer) me = { key: null, answer: null };
    });
  }
  return me.answer;
}

export async function postJson(path, body) {
  return (await call(path, { method: 'POST', body })).json();
}

/** Fetches with the key and hands the bytes to the browser as a download (a link cannot carry the header). */
export async function download(path, fallbackName) {
  const response = await call(path, { accept: 'text/csv' });
  const disposition = response.headers.get('content-disposition') ?? '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  // The click has started the download; the object URL can go after this turn.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
