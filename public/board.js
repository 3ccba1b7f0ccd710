// board.js: draws the day board into the page: a table with the courts as
// columns and the time slots as rows, or on a narrow screen the courts as
// rows and the times as columns. Each open cell is a button (keyboard and
// screen reader friendly) labelled with its court, time and state in
// words; colour only repeats what the words say.
import { timeOf } from "./local-time.js";
import { SLOT_STATES } from "./wording.js";

// Draws `board` (a DayBoard) into `container`. `onPick(courtId, startTime)`
// is called when a cell is chosen; `narrow` turns the table.
export function drawBoard(container, board, { narrow, onPick }) {
  const focused = document.activeElement?.dataset?.cell;
  const { courts, timeZone } = board.facility;
  const times = board.times();
  const table = document.createElement("table");
  table.className = narrow ? "board-table narrow" : "board-table";
  const caption = table.createCaption();
  caption.className = "visually-hidden";
  caption.textContent = narrow ? "Courts by row, times by column" : "Times by row, courts by column";

  const head = table.createTHead().insertRow();
  head.append(headerCell(narrow ? "Court" : "Time", "col"));
  for (const column of narrow ? times : courts) {
    head.append(headerCell(narrow ? timeOf(column.startTime, timeZone) : column.name, "col"));
  }
  const body = table.createTBody();
  for (const row of narrow ? courts : times) {
    const tr = body.insertRow();
    tr.append(headerCell(narrow ? row.name : timeOf(row.startTime, timeZone), "row"));
    for (const column of narrow ? times : courts) {
      const [court, time] = narrow ? [row, column] : [column, row];
      tr.insertCell().append(cellButton(board, court, time, timeZone, onPick));
    }
  }
  container.replaceChildren(table);
  if (times.length === 0) container.append(Object.assign(document.createElement("p"), { textContent: "The club is closed on this day." }));
  if (focused !== undefined) container.querySelector(`[data-cell="${CSS.escape(focused)}"]`)?.focus();
}

// Updates every cell's state in place (after a change), keeping focus.
export function refreshBoard(container, board) {
  const { courts, timeZone } = board.facility;
  for (const button of container.querySelectorAll("button[data-cell]")) {
    const court = courts.find((c) => c.courtId === button.dataset.court);
    describe(button, board.cell(button.dataset.court, button.dataset.start), court, button.dataset.start, button.dataset.end, timeZone);
  }
}

function cellButton(board, court, time, timeZone, onPick) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "slot";
  button.dataset.court = court.courtId;
  button.dataset.start = time.startTime;
  button.dataset.end = time.endTime;
  button.dataset.cell = `${court.courtId}@${time.startTime}`;
  button.addEventListener("click", () => onPick(court.courtId, time.startTime));
  describe(button, board.cell(court.courtId, time.startTime), court, time.startTime, time.endTime, timeZone);
  return button;
}

function describe(button, cell, court, startTime, endTime, timeZone) {
  const shared = cell.capacity > 1 && cell.state === "available";
  const label = shared ? `${cell.remaining} of ${cell.capacity} free` : SLOT_STATES[cell.state];
  button.dataset.state = cell.state;
  button.textContent = label;
  button.disabled = cell.state === "closed";
  button.setAttribute("aria-label", `${court.name}, ${timeOf(startTime, timeZone)} to ${timeOf(endTime, timeZone)}: ${label}`);
}

function headerCell(text, scope) {
  const th = document.createElement("th");
  th.scope = scope;
  th.textContent = text;
  return th;
}
