// recent.js: a bounded memory of recent answers for this isolate (the
// Worker's checked tokens, its open sessions): at most `max` entries, the
// oldest forgotten first. Memory only; a new isolate starts empty.
export class Recent {
  #max;
  #entries = new Map(); // key → value, oldest first

  constructor(max) {
    this.#max = max;
  }

  get(key) {
    return this.#entries.get(key);
  }

  set(key, value) {
    this.#entries.delete(key); // re-inserted last: the map stays oldest first
    if (this.#entries.size >= this.#max) this.#entries.delete(this.#entries.keys().next().value);
    this.#entries.set(key, value);
  }

  delete(key) {
    this.#entries.delete(key);
  }
}
