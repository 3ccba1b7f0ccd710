// dom.js: building page elements from data without HTML strings, so text
// from the server (names, messages) is always shown as text.

// el("button", {type: "button", class: "primary", onclick}, "Confirm"):
// attributes starting with "on" become listeners, `class` the class name,
// other values attributes (false and null leave them out).
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "class") element.className = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  element.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  return element;
}
