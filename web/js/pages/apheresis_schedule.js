// pages/apheresis_schedule.js - the schedule of apheresis procedures
// (docs/apheresis.md, "The schedule"): the board of a market's day
// (/apheresis/schedule?market=LA&day=YYYY-MM-DD: the day before and after,
// the market chosen, narrowed to a nurse or a device; each booking with its
// patient, procedure, hospital, nurse, device and times on the market's
// clocks, and each nurse's and device's day with its free times), booking
// a procedure of an order (/apheresis-orders/ID/book: the nurse, a device
// of the market, the day and the times on the market's clocks) and a
// booking's page, where it is cancelled with a reason or its procedure
// recorded (/apheresis-procedures/new?booking=ID). Times are sent as
// UTC instants worked out from the market's zone.

import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { dataTable } from '../data_table.js';
import { confirmedForm, field, form } from '../forms.js';
import * as format from '../format.js';
import * as registry from '../registry.js';
import * as session from '../session.js';

export const pages = [
  { pattern: '/apheresis/schedule', render: renderBoard, title: 'Apheresis schedule', capability: 'apheresis',
    nav: { area: 'services', order: 25, label: 'Apheresis schedule', description: 'A market\u2019s day of apheresis procedures: nurses, devices and their free times.' } },
  { pattern: '/apheresis-orders/:id/book', render: renderBook, title: 'Book a procedure', capability: 'apheresis.write' },
  { pattern: '/apheresis-bookings/:id', render: renderBooking, title: 'Apheresis booking', capability: 'apheresis' },
];

const boardHref = (market, day, extra = {}) => {
  const query = new URLSearchParams({ market, day, ...extra });
  return `/apheresis/schedule?${query}`;
};

/* "08:00" of a booking's local text "2026-12-08 08:00 PST". */
const clock = (local) => local.slice(11, 16);

function bookingsTable(board) {
  return dataTable({
    caption: 'Bookings', captionHidden: true, csvName: `apheresis-schedule-${board.market}-${board.day}.csv`, noun: 'bookings',
    empty: 'No procedure is booked on this day.', rows: board.bookings, sort: [{ id: 'start', desc: false }],
    columns: [
      { id: 'start', label: 'Time', header: true, value: (b) => b.starts_at,
        cell: (b) => h('a', { href: `/apheresis-bookings/${b.id}` }, `${clock(b.start_local)} \u2013 ${clock(b.end_local)}`) },
      { id: 'patient', label: 'Patient', value: (b) => b.patient_name || 'Not shown (another market\u2019s patient)' },
      { id: 'procedure', label: 'Procedure', value: (b) => b.procedure_label },
      { id: 'hospital', label: 'Hospital', value: (b) => b.hospital_name },
      { id: 'nurse', label: 'Nurse', value: (b) => b.nurse_name },
      { id: 'device', label: 'Device', value: (b) => `${b.device} (${b.device_model})` },
      { id: 'status', label: 'Status', phone: false, value: (b) => b.status },
    ],
  });
}

/* One nurse's or device's day: its bookings and the free times between. */
function laneView(lane, board) {
  const byId = new Map(board.bookings.map((b) => [b.id, b]));
  return h('li', { class: 'schedule-lane', 'data-lane': `${lane.kind}:${lane.key}` },
    h('h3', null, lane.kind === 'nurse' ? `${lane.name} (${lane.key})` : `${lane.key} (${lane.name})`),
    h('ol', { class: 'schedule-slots' }, lane.slots.map((slot) => {
      if (slot.kind === 'free')
        return h('li', { class: 'schedule-slot schedule-free' }, `${slot.from} \u2013 ${slot.to} free`);
      const b = byId.get(slot.booking);
      return h('li', { class: 'schedule-slot schedule-booked' },
        h('a', { href: `/apheresis-bookings/${slot.booking}` }, `${slot.from} \u2013 ${slot.to}`), ' ',
        b ? `${b.patient_name || 'a patient of another market'}, ${b.procedure_label}` : '');
    })));
}

export async function renderBoard(context) {
  const q = context.query;
  const markets = await registry.marketOptions('Choose a market');
  if (!context.active()) return;
  const market = (q.get('market') || (markets[1] ? markets[1].value : '')).toUpperCase();
  const nurse = q.get('nurse') || '';
  const device = q.get('device') || '';
  const choose = form({
    label: 'Choose the day', submitLabel: 'Show', className: 'form form-bedside',
    fields: [
      field({ name: 'market', label: 'Market', options: markets, required: true, value: market }),
      field({ name: 'day', label: 'Day', type: 'date', value: q.get('day') || '' }),
      field({ name: 'nurse', label: 'Nurse (username)', value: nurse }),
      field({ name: 'device', label: 'Device (serial number)', value: device }),
    ],
    onSubmit: async (values) => {
      context.navigate(boardHref(values.market, values.day || '', registry.filled({ nurse: values.nurse, device: values.device })));
    },
  });
  const head = [h('h1', null, 'Apheresis schedule'), registry.notices().element, choose.element];
  if (!market) {
    replace(context.main, ...head, h('p', { class: 'muted' }, 'No market to show.'));
    return;
  }
  let day = q.get('day');
  if (!day) {
    const m = await api.get(`/api/v1/markets/${encodeURIComponent(market)}`);
    day = format.today(m.time_zone);
  }
  const filters = registry.filled({ nurse, device });
  let board;
  try {
    board = await api.get('/api/v1/apheresis-schedule', { market, day, ...filters });
  } catch (error) {
    if (!context.active()) return;
    replace(context.main, ...head, h('p', { class: 'form-error', role: 'alert' }, error.message));
    return;
  }
  if (!context.active()) return;
  const nav = h('nav', { class: 'day-nav', 'aria-label': 'Days' },
    h('a', { href: boardHref(board.market, board.previous_day, filters), rel: 'prev' }, `\u2039 ${format.date(board.previous_day)}`),
    h('a', { href: boardHref(board.market, format.today(board.time_zone), filters) }, 'Today'),
    h('a', { href: boardHref(board.market, board.next_day, filters), rel: 'next' }, `${format.date(board.next_day)} \u203a`));
  replace(context.main, ...head,
    h('section', { class: 'panel', 'aria-labelledby': 'schedule-day' },
      h('div', { class: 'page-head' }, h('h2', { id: 'schedule-day' }, `${board.market_name}, ${format.longDate(board.day)}`)),
      h('p', { class: 'muted' }, `Times on the clocks of ${board.time_zone}.`),
      nav, bookingsTable(board).element),
    h('section', { class: 'panel', 'aria-labelledby': 'schedule-nurses' },
      h('h2', { id: 'schedule-nurses' }, 'Nurses'),
      board.nurses.length ? h('ul', { class: 'schedule-lanes' }, board.nurses.map((l) => laneView(l, board))) : h('p', { class: 'muted' }, 'No nurse is booked.')),
    h('section', { class: 'panel', 'aria-labelledby': 'schedule-devices' },
      h('h2', { id: 'schedule-devices' }, 'Devices'),
      board.devices.length ? h('ul', { class: 'schedule-lanes' }, board.devices.map((l) => laneView(l, board))) : h('p', { class: 'muted' }, 'No device is booked.')));
}

export async function renderBook(context) {
  const o = await registry.loadRecord(context, {
    path: '/api/v1/apheresis-orders', noun: 'apheresis order', param: 'id', keyName: 'id', title: (r) => `Apheresis order ${r.id}`,
    back: ['/patients', 'Back to the patients'],
  });
  if (!o) return;
  const hospital = await api.get(`/api/v1/hospitals/${encodeURIComponent(o.hospital)}`);
  const market = hospital.market ? await api.get(`/api/v1/markets/${encodeURIComponent(hospital.market)}`) : null;
  const devices = market ? await api.getAll('/api/v1/apheresis-devices', { market: market.code, active: 'true' }) : [];
  if (!context.active()) return;
  const zone = market ? market.time_zone : 'UTC';
  const me = session.current();
  const bookForm = form({
    label: 'Book a procedure', submitLabel: 'Book it', className: 'form form-bedside',
    fields: [
      field({ name: 'nurse', label: 'Nurse (username)', required: true, value: me && (me.roles || []).includes('apheresis_nurse') ? me.username : '',
        hint: market ? `An apheresis nurse of ${market.name}` : null, autocapitalize: 'off' }),
      field({ name: 'device', label: 'Device', required: true,
        options: [{ value: '', label: devices.length ? 'Choose a device' : 'No active device in this market' },
          ...devices.map((d) => ({ value: d.serial, label: `${d.serial} (${d.model})` }))] }),
      field({ name: 'day', label: 'Day', type: 'date', required: true, value: format.today(zone) }),
      field({ name: 'start', label: 'Start', type: 'time', required: true, hint: `On the clocks of ${zone}` }),
      field({ name: 'end', label: 'Expected end', type: 'time', required: true, hint: 'At most 12 hours after the start' }),
    ],
    onSubmit: async (values) => {
      const start = format.fromLocal(`${values.day}T${values.start}`, zone) || values.start;
      let endDay = values.day;
      if (values.end && values.start && values.end <= values.start) {
        // An end earlier on the clock than the start is the next morning.
        const next = new Date(`${values.day}T00:00:00Z`);
        next.setUTCDate(next.getUTCDate() + 1);
        endDay = next.toISOString().slice(0, 10);
      }
      const end = format.fromLocal(`${endDay}T${values.end}`, zone) || values.end;
      const b = await api.post('/api/v1/apheresis-bookings', { order: o.id, nurse: values.nurse.trim(), device: values.device, start, end },
        { idempotencyKey: api.idempotencyKey() });
      registry.flash(`Booked: ${b.patient_name}, ${b.start_local} to ${b.end_local.slice(11)}, ${b.nurse_name} on ${b.device}.`);
      context.navigate(boardHref(b.market, b.start_local.slice(0, 10)));
    },
  });
  replace(context.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '/patients' }, 'Apheresis patients'), ' \u203a ',
      h('a', { href: `/patients/${o.patient}` }, o.patient_name), ' \u203a ',
      h('a', { href: `/apheresis-orders/${o.id}` }, `Order ${o.id}`), ' \u203a ', 'Book'),
    h('h1', null, `Book a procedure: ${o.procedure_label}`),
    h('p', { class: 'muted' }, `${o.patient_name} at ${o.hospital}; a course of ${o.procedures} procedure${o.procedures === 1 ? '' : 's'}, ${o.frequency}.`),
    bookForm.element);
}

export async function renderBooking(context) {
  const b = await registry.loadRecord(context, {
    path: '/api/v1/apheresis-bookings', noun: 'booking', param: 'id', keyName: 'id', title: (r) => `Booking ${r.id}`,
    back: ['/apheresis/schedule', 'Back to the schedule'],
  });
  if (!b) return;
  const cancel = session.can('apheresis.write') && b.status === 'booked' ? confirmedForm({
    label: 'Cancel the booking', submitLabel: 'Cancel the booking\u2026',
    fields: [field({ name: 'reason', label: 'Reason', required: true })],
    confirm: () => ({ title: `Cancel booking ${b.id}?`, text: 'The nurse and the device are free again at that time.', confirmLabel: 'Cancel it' }),
    onConfirm: async (values) => {
      await api.post(`/api/v1/apheresis-bookings/${b.id}/cancel`, { reason: values.reason }, { idempotencyKey: api.idempotencyKey() });
      registry.flash(`Booking ${b.id} is cancelled.`);
      context.navigate(`/apheresis-bookings/${b.id}`, { replace: true });
    },
  }) : null;
  // A booked procedure is recorded from here, the form filled from the booking.
  const record = session.can('apheresis.write') && b.status === 'booked'
    ? h('p', null, h('a', { class: 'button-primary', href: `/apheresis-procedures/new?booking=${b.id}` }, 'Record the procedure')) : null;
  replace(context.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: boardHref(b.market, b.start_local.slice(0, 10)) }, 'Apheresis schedule'), ' \u203a ', `Booking ${b.id}`),
    h('h1', null, `Booking ${b.id}: ${b.procedure_label}`),
    registry.notices().element,
    record,
    h('section', { class: 'panel', 'aria-labelledby': 'booking-details' }, h('h2', { id: 'booking-details' }, 'Booking'),
      registry.details([['Patient', b.patient_name], ['Order', h('a', { href: `/apheresis-orders/${b.order}` }, `Order ${b.order}`)],
        ['Hospital', `${b.hospital} ${b.hospital_name}`], ['Nurse', `${b.nurse_name} (${b.nurse})`],
        ['Device', `${b.device} (${b.device_model})`], ['Start', b.start_local], ['Expected end', b.end_local],
        ['Status', b.status_reason ? `${b.status}: ${b.status_reason}` : b.status],
        ['Booked', `${format.timestamp(b.created_at)} by ${b.created_by}`]]),
      cancel));
}
