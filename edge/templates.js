// templates.js: the words of each notification, per language. Turns a
// notice (the core's `notification` effect, docs/PROTOCOL.md) and what the
// notifier looked up (facility name and time zone, court name, the
// member's language) into {subject, text}: the text is the SMS or WhatsApp
// body and the email's body, the subject the email's. Times are shown on
// the facility's wall clock (Intl with its IANA zone). English is the
// default; a language with no table here falls back to it.

const TABLES = {
  en: {
    confirmation: {
      subject: (v) => `Booking confirmed: ${v.court}, ${v.date}`,
      text: (v) => `${v.facility}: your booking is confirmed. ${v.court}, ${v.date}, ${v.start}-${v.end}. ${v.link}`,
    },
    reminder: {
      subject: (v) => `Reminder: ${v.court}, ${v.date}, ${v.start}`,
      text: (v) =>
        `${v.facility}: reminder of your booking on ${v.court}, ${v.date}, ${v.start}-${v.end}` +
        `${v.lead === null ? "" : ` (starts in ${v.lead})`}. ${v.link}`,
    },
    cancellation: {
      subject: (v) => `Booking cancelled: ${v.court}, ${v.date}`,
      text: (v) => `${v.facility}: your booking on ${v.court}, ${v.date}, ${v.start}-${v.end} is cancelled. ${v.link}`,
    },
    no_show: {
      subject: (v) => `Missed booking: ${v.court}, ${v.date}`,
      text: (v) =>
        `${v.facility}: you did not check in for ${v.court}, ${v.date}, ${v.start}-${v.end}, ` +
        `so it is recorded as a no-show and the court was released. ${v.link}`,
    },
    waitlist_offer: {
      subject: (v) => `A court is free for you: ${v.court}, ${v.date}, ${v.start}`,
      text: (v) =>
        `${v.facility}: ${v.court} is free on ${v.date}, ${v.start}-${v.end}. ` +
        `It is held for you until ${v.deadline}; accept it here: ${v.link}`,
    },
    waitlist_auto_booked: {
      subject: (v) => `Booked from the waitlist: ${v.court}, ${v.date}`,
      text: (v) =>
        `${v.facility}: from the waitlist, you are now booked on ${v.court}, ${v.date}, ${v.start}-${v.end}. ${v.link}`,
    },
    payment_refunded: {
      subject: (v) => `Payment refunded: ${v.court}, ${v.date}`,
      text: (v) => `${v.facility}: your payment${v.amount === null ? "" : ` of ${v.amount}`} for ${v.court}, ${v.date}, ${v.start}-${v.end}, is refunded: ${v.why}. ${v.link}`,
    },
    reasons: {
      hold_lost: "it arrived after the hold on the court had ended, so the court was not booked",
      already_paid: "the booking was already paid",
      amount_mismatch: "the amount did not match the booking's price, which is still owed",
      unknown_reservation: "the booking it was for could not be found",
      cancelled: "you cancelled in time",
      staff: "the club refunded it",
    },
    hours: (n) => (n === 1 ? "1 hour" : `${n} hours`),
    minutes: (n) => (n === 1 ? "1 minute" : `${n} minutes`),
    and: " ",
  },
  es: {
    confirmation: {
      subject: (v) => `Reserva confirmada: ${v.court}, ${v.date}`,
      text: (v) => `${v.facility}: tu reserva está confirmada. ${v.court}, ${v.date}, ${v.start}-${v.end}. ${v.link}`,
    },
    reminder: {
      subject: (v) => `Recordatorio: ${v.court}, ${v.date}, ${v.start}`,
      text: (v) =>
        `${v.facility}: recordatorio de tu reserva en ${v.court}, ${v.date}, ${v.start}-${v.end}` +
        `${v.lead === null ? "" : ` (empieza en ${v.lead})`}. ${v.link}`,
    },
    cancellation: {
      subject: (v) => `Reserva cancelada: ${v.court}, ${v.date}`,
      text: (v) => `${v.facility}: tu reserva en ${v.court}, ${v.date}, ${v.start}-${v.end} está cancelada. ${v.link}`,
    },
    no_show: {
      subject: (v) => `Reserva no utilizada: ${v.court}, ${v.date}`,
      text: (v) =>
        `${v.facility}: no registraste tu llegada a ${v.court}, ${v.date}, ${v.start}-${v.end}, ` +
        `así que consta como no presentado y la pista se ha liberado. ${v.link}`,
    },
    waitlist_offer: {
      subject: (v) => `Pista libre para ti: ${v.court}, ${v.date}, ${v.start}`,
      text: (v) =>
        `${v.facility}: ${v.court} está libre el ${v.date}, ${v.start}-${v.end}. ` +
        `Te la guardamos hasta ${v.deadline}; acéptala aquí: ${v.link}`,
    },
    waitlist_auto_booked: {
      subject: (v) => `Reserva desde la lista de espera: ${v.court}, ${v.date}`,
      text: (v) =>
        `${v.facility}: desde la lista de espera, ya tienes reserva en ${v.court}, ${v.date}, ${v.start}-${v.end}. ` +
        `${v.link}`,
    },
    payment_refunded: {
      subject: (v) => `Pago devuelto: ${v.court}, ${v.date}`,
      text: (v) => `${v.facility}: te devolvemos el pago${v.amount === null ? "" : ` de ${v.amount}`} por ${v.court}, ${v.date}, ${v.start}-${v.end}, porque ${v.why}. ${v.link}`,
    },
    reasons: {
      hold_lost: "llegó cuando la pista ya no estaba retenida, así que no se reservó",
      already_paid: "la reserva ya estaba pagada",
      amount_mismatch: "el importe no coincidía con el precio de la reserva, que sigue pendiente",
      unknown_reservation: "no encontramos la reserva a la que correspondía",
      cancelled: "cancelaste a tiempo",
      staff: "el club lo ha devuelto",
    },
    hours: (n) => (n === 1 ? "1 hora" : `${n} horas`),
    minutes: (n) => (n === 1 ? "1 minuto" : `${n} minutos`),
    and: " y ",
  },
};

export const KINDS = Object.keys(TABLES.en).filter((key) => typeof TABLES.en[key] === "object" && key !== "reasons");
export const LANGUAGES = Object.keys(TABLES);

// {subject, text} for `notice` ({kind, facilityId, courtId, startTime,
// endTime, minutesBefore?, offerExpiry?}); `context` is {facilityName,
// timeZone, courtName (null: the court id), language (null: English),
// baseUrl}. Throws on a kind with no template.
export function render(notice, { facilityName, timeZone, courtName, language, baseUrl }) {
  const { table, locale } = pick(language);
  const template = table[notice.kind];
  if (template === undefined || !KINDS.includes(notice.kind)) throw new Error(`no template for kind ${notice.kind}`);
  const date = format(locale, timeZone, { weekday: "short", month: "short", day: "numeric" });
  const time = format(locale, timeZone, { hour: "numeric", minute: "2-digit" });
  const stamp = format(locale, timeZone, {
    weekday: "short", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short",
  });
  const values = {
    facility: facilityName,
    court: courtName ?? notice.courtId,
    date: date(notice.startTime),
    start: time(notice.startTime),
    end: time(notice.endTime),
    deadline: notice.offerExpiry === undefined ? null : stamp(notice.offerExpiry),
    lead: Number.isInteger(notice.minutesBefore) ? leadTime(table, notice.minutesBefore) : null,
    link: `${String(baseUrl ?? "").replace(/\/+$/, "")}/f/${notice.facilityId}`,
    amount: Number.isInteger(notice.amount) ? money(locale, notice.amount, notice.currency) : null,
    why: table.reasons[notice.refundReason] ?? table.reasons.staff,
  };
  // A time that ends in a period (es-MX "7:30 p.m.") must not get a second one.
  const tidy = (words) => words.replace(/\.\.(?=\s|$)/g, ".");
  return { subject: tidy(template.subject(values)), text: tidy(template.text(values)) };
}

// The table for a language tag (its primary subtag) and the locale to
// format dates in: the tag itself when Intl knows it, else the table's.
function pick(language) {
  const tag = typeof language === "string" ? language : "en";
  const primary = tag.split("-")[0].toLowerCase();
  if (!(primary in TABLES)) return { table: TABLES.en, locale: "en-US" };
  const [supported] = Intl.DateTimeFormat.supportedLocalesOf([tag]);
  return { table: TABLES[primary], locale: supported ?? (primary === "en" ? "en-US" : primary) };
}

// A formatter of RFC 3339 instants on the wall clock of `timeZone`, with
// plain spaces (ICU puts U+202F before "PM", which would push an SMS out
// of the GSM-7 alphabet into UCS-2 and halve its length).
function format(locale, timeZone, options) {
  const formatter = new Intl.DateTimeFormat(locale, { timeZone, ...options });
  return (instant) => formatter.format(new Date(instant)).replace(/[\u00a0\u2009\u202f]/g, " ");
}

// An amount in a currency's minor units, as money ("$45.00", "45,00 €").
function money(locale, amount, currency) {
  try {
    const formatter = new Intl.NumberFormat(locale, { style: "currency", currency: String(currency).toUpperCase() });
    const digits = formatter.resolvedOptions().maximumFractionDigits;
    return formatter.format(amount / 10 ** digits).replace(/[\u00a0\u202f]/g, " ");
  } catch {
    return `${amount} ${currency}`;
  }
}

// "2 hours", "1 hour 30 minutes", "30 minutes".
function leadTime(table, minutes) {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return table.minutes(rest);
  return rest === 0 ? table.hours(hours) : `${table.hours(hours)}${table.and}${table.minutes(rest)}`;
}
