// standing.js - a donor's standing as staff read it wherever a donor is
// chosen (the donor list, the donor's page, the collection entry): the
// badge (eligible, eligible again from a day, deferred until a day,
// deferred indefinitely, permanently deferred), the sentence that says
// what it means, the status filter's choices, and the card that confirms
// who the donor is (name, birth date, ABO/RhD, last donation, standing).
// The server decides the standing (GET /api/v1/donors: "status",
// "status_reason_code", "deferred_until", "next_eligible_on"); this only
// draws it.

import { h } from './dom.js';
import * as format from './format.js';
import * as chain from './chain.js';

export const STATUS_FILTERS = [
  { value: '', label: 'Any status' },
  { value: 'eligible', label: 'Eligible' },
  { value: 'deferred', label: 'Deferred (any kind)' },
  { value: 'deferred_temporary', label: 'Deferred until a date' },
  { value: 'deferred_indefinite', label: 'Deferred indefinitely' },
  { value: 'deferred_permanent', label: 'Permanently deferred' },
];

/* Whether the donor may give today as far as deferrals, age and intervals
 * go (the measurements are taken at the desk). */
export function mayGiveToday(donor) {
  // today as the server counts the donor's days: at their home center
  return donor.status === 'eligible' && Boolean(donor.next_eligible_on)
    && donor.next_eligible_on <= format.today(donor.time_zone);
}

/* The badge's words and class. A standing the page does not know is shown
 * as deferred: never as eligible. */
function badgeParts(donor) {
  switch (donor.status) {
    case 'eligible':
      return mayGiveToday(donor)
        ? ['Eligible', 'badge-open']
        : [`Eligible from ${chain.day(donor.next_eligible_on)}`, 'badge-pending'];
    case 'deferred_temporary':
      return [`Deferred until ${chain.day(donor.deferred_until)}`, 'badge-deferred'];
    case 'deferred_indefinite':
      return ['Deferred indefinitely', 'badge-deferred'];
    case 'deferred_permanent':
      return ['Permanently deferred', 'badge-deferred'];
    default:
      return [`Deferred (${donor.status || 'status unknown'})`, 'badge-deferred'];
  }
}

/* The standing as a badge, with the deciding deferral's reason code. */
export function badge(donor) {
  const [text, className] = badgeParts(donor);
  return h('span', { class: `badge standing ${className}`, dataset: { status: donor.status || '' } },
    text, donor.status_reason_code ? ` · ${donor.status_reason_code}` : '');
}

/* The first day the donor may give, as a list shows it. */
export function nextDay(donor) {
  if (donor.next_eligible_on) return mayGiveToday(donor) ? 'today' : chain.day(donor.next_eligible_on);
  return donor.status === 'deferred_permanent' ? 'never' : 'no date';
}

/* What the standing means for the person at the desk, in one sentence. */
export function sentence(donor) {
  const code = donor.status_reason_code ? ` (${donor.status_reason_code})` : '';
  switch (donor.status) {
    case 'eligible':
      return mayGiveToday(donor)
        ? 'No deferral or interval holds this donor back: they may give today once their measurements pass.'
        : `No deferral is in force, but the interval after the last donation runs until ${format.date(donor.next_eligible_on)}: the donor may give again from that day.`;
    case 'deferred_temporary':
      return `Deferred${code} until ${format.date(donor.deferred_until)}: the donor may not give before that day${donor.next_eligible_on && donor.next_eligible_on !== donor.deferred_until ? `, and not before ${format.date(donor.next_eligible_on)} because of the interval after the last donation` : ''}.`;
    case 'deferred_indefinite':
      return `Deferred indefinitely${code}: the donor may not give until the deferral is ended.`;
    case 'deferred_permanent':
      return `Permanently deferred${code}: the donor may never give again.`;
    default:
      return 'The donor\'s standing is unknown: do not collect.';
  }
}

/* The last donation as "Nov 21, 2026, whole blood", or "none". */
export function lastDonation(donor) {
  return donor.last_donation_on
    ? `${chain.day(donor.last_donation_on)}, ${chain.procedureLabel(donor.last_donation_procedure).toLowerCase()}`
    : 'none on record';
}

/* Who the donor is, as the collection entry confirms them. */
export function card(donor) {
  return h('div', { class: 'donor-card', role: 'group', 'aria-label': `Donor ${donor.donor_number}` },
    h('p', { class: 'donor-card-name' },
      h('strong', null, `${donor.family_name}, ${donor.given_name}`), ' ',
      h('span', { class: 'muted' }, donor.donor_number), ' ', badge(donor)),
    h('dl', { class: 'details donor-card-details' },
      h('dt', null, 'Date of birth'), h('dd', null, format.date(donor.birth_date)),
      h('dt', null, 'ABO/RhD'), h('dd', null, chain.group(donor.abo, donor.rhd)),
      h('dt', null, 'Last donation'), h('dd', null, lastDonation(donor)),
      h('dt', null, 'May give from'), h('dd', null, nextDay(donor))));
}
