// page.js: the member's page (public/: plain HTML, CSS and ES modules, no
// build step), served by the Worker itself: wrangler bundles each file as a
// text module (the `[[rules]]` in wrangler.toml), so the page needs no
// assets service and no CDN. `/` and `/f/{facilityId}` (a facility's own
// page, the link notices carry) both get index.html, which reads the
// facility from its URL; the other files are served by their names. Every
// answer carries an ETag (the file's hash) and `Cache-Control: no-cache`,
// so a browser revalidates and a new deployment shows at once.
import { checkFacilityId } from "./booking.js";
import apiJs from "../public/api.js";
import appJs from "../public/app.js";
import boardStateJs from "../public/board-state.js";
import boardJs from "../public/board.js";
import domJs from "../public/dom.js";
import indexHtml from "../public/index.html";
import liveJs from "../public/live.js";
import localTimeJs from "../public/local-time.js";
import myListsJs from "../public/my-lists.js";
import panelJs from "../public/panel.js";
import sessionJs from "../public/session.js";
import stylesCss from "../public/styles.css";
import wordingJs from "../public/wording.js";

const HTML = "text/html; charset=utf-8";
const JS = "text/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";

// path → [text, content type]
const FILES = new Map([
  ["/", [indexHtml, HTML]],
  ["/index.html", [indexHtml, HTML]],
  ["/styles.css", [stylesCss, CSS]],
  ["/api.js", [apiJs, JS]],
  ["/app.js", [appJs, JS]],
  ["/board-state.js", [boardStateJs, JS]],
  ["/board.js", [boardJs, JS]],
  ["/dom.js", [domJs, JS]],
  ["/live.js", [liveJs, JS]],
  ["/local-time.js", [localTimeJs, JS]],
  ["/my-lists.js", [myListsJs, JS]],
  ["/panel.js", [panelJs, JS]],
  ["/session.js", [sessionJs, JS]],
  ["/wording.js", [wordingJs, JS]],
]);

// The route's pattern: every file's path (and `/`).
export const PAGE_FILES = new RegExp(`^(?:${[...FILES.keys()].map((path) => path.replace(/[.]/g, "\\.")).join("|")})$`);

// GET /, /index.html, /app.js, ...: the file.
export function pageFile(request, env, url) {
  return serve(request, url.pathname);
}

// GET /f/{facilityId}: the page; a malformed id is 400 like everywhere.
export function facilityPage(request, env, url, facilityId) {
  checkFacilityId(facilityId);
  return serve(request, "/");
}

const etags = new Map(); // path → ETag, computed on first use

function serve(request, path) {
  const [text, type] = FILES.get(path);
  if (!etags.has(path)) etags.set(path, `"${fnv1a(text)}"`);
  const etag = etags.get(path);
  const headers = { "Content-Type": type, "Cache-Control": "no-cache", ETag: etag, "X-Content-Type-Options": "nosniff" };
  if (request.headers.get("If-None-Match") === etag) return new Response(null, { status: 304, headers });
  return new Response(text, { status: 200, headers });
}

// A 32-bit FNV-1a hash of the text's UTF-16 code units, in hex.
function fnv1a(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}
