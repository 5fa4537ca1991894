// forms.js - labelled form fields and the handling of a submit: every field
// has a <label>, an optional hint and an error slot linked through
// aria-describedby; a server error naming a field is shown next to that
// field (aria-invalid, focus moved there), any other error in the form's
// alert region; the submit button is disabled while the request runs. An
// action that cannot be undone is a form whose submit asks for a
// confirmation first.

import { h, replace, uid } from './dom.js';

/*
 * field({name, label, type='text', value, required, hint, options:[{value,
 * label}] (a <select>), rows (a <textarea>), checkboxes:[{value,label}] (a
 * fieldset), ...other input attributes}) -> {element, input, name, value(),
 * setError(text), clearError(), focus()}
 */
export function field(spec) {
  const { name, label, type = 'text', value = '', required = false, hint, options, rows, checkboxes, ...rest } = spec;
  const id = uid(`f-${name}`);
  const errorId = `${id}-error`;
  const hintId = hint ? `${id}-hint` : null;
  const error = h('p', { class: 'field-error', id: errorId, hidden: true });
  const hintElement = hint ? h('p', { class: 'field-hint', id: hintId }, hint) : null;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ');
  let input;
  let element;
  let boxes = [];
  if (checkboxes) {
    boxes = checkboxes.map((box) => h('input', {
      type: 'checkbox', name, value: box.value, id: uid(`f-${name}-${box.value}`), checked: Boolean(box.checked),
    }));
    input = h('fieldset', { class: 'field checkbox-group', 'aria-describedby': describedBy },
      h('legend', null, label, required ? h('span', { class: 'required' }, ' (required)') : null),
      hintElement,
      h('div', { class: 'checkbox-grid' }, checkboxes.map((box, i) =>
        h('label', { class: 'checkbox', for: boxes[i].id }, boxes[i], ' ', box.label))),
      error);
    element = input;
  } else {
    const attributes = { id, name, 'aria-describedby': describedBy, required: required || null, ...rest };
    if (options) {
      input = h('select', attributes, options.map((o) => h('option', { value: o.value }, o.label)));
      input.value = value ?? '';
      // A value that is not a choice leaves a select blank: show the first.
      if (input.selectedIndex < 0 && input.options.length) input.selectedIndex = 0;
    } else if (rows) {
      input = h('textarea', { ...attributes, rows }, value ?? '');
    } else {
      input = h('input', { ...attributes, type, value: value ?? '' });
    }
    element = h('div', { class: 'field' },
      h('label', { for: id }, label, required ? h('span', { class: 'required' }, ' (required)') : null),
      hintElement, input, error);
  }
  const focusTarget = () => (checkboxes ? boxes[0] : input);
  return {
    element,
    input,
    name,
    value: () => (checkboxes ? boxes.filter((b) => b.checked).map((b) => b.value) : input.value),
    setError(text) {
      error.hidden = false;
      replace(error, h('span', { class: 'visually-hidden' }, 'Error: '), text);
      (checkboxes ? boxes : [input]).forEach((i) => i.setAttribute('aria-invalid', 'true'));
    },
    clearError() {
      error.hidden = true;
      replace(error);
      (checkboxes ? boxes : [input]).forEach((i) => i.removeAttribute('aria-invalid'));
    },
    focus: () => focusTarget().focus(),
  };
}

/*
 * form({fields, submitLabel, onSubmit(values) -> promise, secondary})
 * -> {element, fields, alert, reset(), showError(error)}. onSubmit's
 * rejection (an ApiError) is shown by field or in the alert region; its
 * success may return a message for the caller to show elsewhere.
 */
export function form({ fields, submitLabel, onSubmit, secondary = [], className = 'form', label }) {
  const alert = h('div', { class: 'form-alert', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'button-primary' }, submitLabel);
  const element = h('form', { class: className, novalidate: true, 'aria-label': label || null },
    alert,
    fields.map((f) => f.element),
    h('div', { class: 'form-actions' }, submit, secondary));
  const byName = Object.fromEntries(fields.map((f) => [f.name, f]));

  function clear() {
    replace(alert);
    fields.forEach((f) => f.clearError());
  }

  function showError(error) {
    const target = error && error.field ? byName[error.field] || byName[error.field.replace(/\[.*$/, '')] : null;
    if (target) {
      target.setError(error.message);
      target.focus();
    } else {
      replace(alert, h('div', { class: 'message message-error' },
        h('span', { class: 'message-label' }, 'Error: '),
        error.field ? `${error.field}: ${error.message}` : error.message));
      alert.setAttribute('tabindex', '-1');
      alert.focus();
    }
  }

  element.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (submit.disabled) return;
    clear();
    // The browser's own checks first (required fields): a clear message
    // without a round trip.
    const missing = fields.find((f) => f.input.required && !String(f.value()).trim());
    if (missing) {
      missing.setError('This field is required.');
      missing.focus();
      return;
    }
    const values = Object.fromEntries(fields.map((f) => [f.name, f.value()]));
    submit.disabled = true;
    element.setAttribute('aria-busy', 'true');
    try {
      await onSubmit(values);
    } catch (error) {
      showError(error);
    } finally {
      submit.disabled = false;
      element.removeAttribute('aria-busy');
    }
  });

  return { element, fields: byName, alert, clear, showError };
}

/*
 * confirmation({title, text, confirmLabel, cancelLabel, onConfirm, onCancel})
 * -> element: the second step of an action that cannot be undone. The
 * confirm button gets the focus; it is disabled while onConfirm runs. The
 * button that goes back says "Cancel" unless told otherwise (an action that
 * is itself a cancellation says what going back keeps).
 */
export function confirmation({ title, text, confirmLabel, cancelLabel = 'Cancel', onConfirm, onCancel }) {
  const titleId = uid('confirm-title');
  const textId = uid('confirm-text');
  const yes = h('button', { type: 'button', class: 'button-danger' }, confirmLabel);
  const no = h('button', { type: 'button', class: 'button-secondary', onClick: onCancel }, cancelLabel);
  yes.addEventListener('click', async () => {
    yes.disabled = true;
    try {
      await onConfirm();
    } finally {
      yes.disabled = false;
    }
  });
  const element = h('div', { class: 'confirm', role: 'alertdialog', 'aria-labelledby': titleId, 'aria-describedby': textId },
    h('h3', { id: titleId }, title),
    h('p', { id: textId }, text),
    h('div', { class: 'form-actions' }, yes, no));
  setTimeout(() => yes.focus(), 0);
  return element;
}

/*
 * confirmedForm({fields, label, submitLabel, secondary, confirm(values) ->
 * {title, text, confirmLabel, cancelLabel?}, onConfirm(values) -> promise})
 * -> element:
 * a form whose submit sends nothing but asks for a confirmation in its
 * place. Cancel there goes back to the form (focus on its first field); a
 * refusal of onConfirm goes back too and is shown as form() shows it.
 */
export function confirmedForm({ confirm, onConfirm, ...spec }) {
  const holder = h('div');
  const first = form({
    ...spec,
    onSubmit: async (values) => {
      const back = (error) => {
        replace(holder);
        first.element.hidden = false;
        if (error) first.showError(error);
        else if (spec.fields.length) spec.fields[0].focus();
        else first.element.querySelector('button[type=submit]').focus();
      };
      first.element.hidden = true;
      replace(holder, confirmation({
        ...confirm(values),
        onCancel: () => back(null),
        onConfirm: async () => {
          try {
            await onConfirm(values);
          } catch (error) {
            back(error);
          }
        },
      }));
    },
  });
  return h('div', null, first.element, holder);
}
