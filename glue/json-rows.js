// json-rows.js: many rows in one D1 statement. The rows go in as one
// bound JSON array of arrays, read back with json_each; this writes the
// column list that reads each row's values, so a statement has the same
// two or three parameters however many rows it carries (D1 allows 100).
// No platform API here.

// `count` columns of a json_each row, from index `from`:
// "json_extract(value, '$[0]'), json_extract(value, '$[1]'), ...".
export function columns(count, from = 0) {
  return Array.from({ length: count }, (_, i) => `json_extract(value, '$[${from + i}]')`).join(", ");
}
