/**
 * The skeleton of a service-records page: its tab kept in the address, its lists loaded with the
 * spinner and the problem line, the Excel of the tab on screen, and its dialogs that save a form
 * and load the list again. A page says what is its own (the lists, the fields, the calls) and this
 * does the rest the same way on every page.
 */
import { ElMessage } from 'element-plus';
import { computed, onMounted, type Ref, reactive, ref, watch } from 'vue';
import { type UseI18nOptions, useI18n } from 'vue-i18n';
import { type Access, mayAccess } from '../../../server/access/policy.ts';
import { useSessionStore } from '../stores/session.ts';
import { errorText } from './errorText.ts';
import { clearErrors, type FieldErrors, placeRefusal, useFieldErrors } from './useFieldErrors.ts';
import { useLoader, withMessage } from './useLoader.ts';
import { type QueryTabOptions, useQueryTab } from './useQueryTab.ts';

/** What one tab does: load its list, and (when it has one) download its Excel. */
export interface RecordsTab {
  load: () => Promise<void>;
  export?: () => Promise<unknown>;
}

export interface RecordsPageOptions<T extends string> extends QueryTabOptions<T> {
  tabs: readonly T[];
  /** The page's words (its messages.ts). */
  messages: { 'zh-CN': object; en: object };
  /** The group its words stand under (`r` → `r.required`, `r.saved`). */
  words: string;
  /** What changing its records needs (server/access/policy.ts): the buttons show to those roles only. */
  write?: Access;
}

/**
 * A page with tabs (`?tab=`), its words and one problem line. `serve` names what each tab loads and
 * exports: the tab on screen loads when the page opens and when another tab is chosen; it returns
 * the export of the tab on screen, whose failure is told in a message. `dialog` makes the page's
 * form dialogs (`useFormDialogs`), in the page's words.
 */
export function useRecordsPage<T extends string>(options: RecordsPageOptions<T>) {
  const { t, te } = useI18n({ messages: options.messages } as UseI18nOptions);
  const session = useSessionStore();
  const canWrite = computed(() => (options.write ? mayAccess(options.write, session.user?.role) : false));
  const tab = useQueryTab(options.tabs, options);
  const loader = useLoader();
  const dialog = useFormDialogs(dialogWords(t, te, options.words));

  let served: Record<T, RecordsTab> | null = null;
  /** Loads the list of the tab on screen again (after a change that touches more than one list). */
  const reload = async (): Promise<void> => {
    await served?.[tab.value].load();
  };

  function serve(byTab: Record<T, RecordsTab>): () => Promise<void> {
    served = byTab;
    watch(tab, reload);
    onMounted(reload);
    return () =>
      withMessage(async () => {
        await byTab[tab.value].export?.();
      });
  }

  return { t, canWrite, tab, ...loader, serve, reload, dialog };
}

/**
 * The form dialogs of a records page's own dialog component (`SurveyDialog.vue` beside the page):
 * the page's words (its messages.ts and their group), the same `dialog` as `useRecordsPage` gives.
 */
export function useRecordsDialogs(options: Pick<RecordsPageOptions<string>, 'messages' | 'words'>) {
  const { t, te } = useI18n({ messages: options.messages } as UseI18nOptions);
  return { t, dialog: useFormDialogs(dialogWords(t, te, options.words)) };
}

function dialogWords(
  t: (key: string, named?: Record<string, unknown>) => string,
  te: (key: string) => boolean,
  group: string,
): DialogWords {
  return {
    required: (field) => t(`${group}.required`, { field }),
    saved: () => t(`${group}.saved`),
    fixFields: te(`${group}.fixFields`) ? () => t(`${group}.fixFields`) : undefined,
  };
}

/** The page's words a dialog says: "please fill in …" under an empty field, and "saved". */
export interface DialogWords {
  required: (label: string) => string;
  saved: () => string;
  /** Pages that say so even when a refusal stands under the fields ("correct the marked fields"). */
  fixFields?: () => string;
}

/** Says under `field` that it wants a value, when it has none (blank text, no choice, empty list). */
export type Need<F> = (field: keyof F & string, label: string) => void;

export interface FormDialogOptions<F extends object, S, R> {
  /** The form's values when the dialog opens (for the row it opens on, when there is one). */
  blank: (subject: S) => F;
  /** Checks before saving: `need` for fields that want a value, `errors` for other messages. */
  check?: (form: F, need: Need<F>, errors: FieldErrors, subject: S) => void;
  /** Sends the form. */
  save: (form: F, subject: S) => Promise<R>;
  /** What to say after a save, when not the page's "saved"; null: nothing. */
  saved?: ((result: R, subject: S) => string) | null;
  /** After a save: load the list again, or hand what the hub answered to the parent (the dialog is closed by then). */
  done?: (subject: S, result: R) => unknown;
  /** What is wrong (a check or a refusal) is told in the dialog's `problem` line, not under fields. */
  problemInDialog?: boolean;
  /**
   * The field names the server gives form keys that are not its own (a dialog with one text for a
   * reason or a note): a refusal that names `reason` stands under `text`.
   */
  names?: (subject: S) => Partial<Record<keyof F & string, string>>;
  /**
   * The open flag, when the parent holds it (a dialog component's `defineModel`, opened by
   * `v-model`): each time the parent opens the dialog its form starts blank, with no messages.
   */
  open?: Ref<boolean>;
}

/** One dialog, reactive as a whole: the template reads `itemDialog.form.name`, `v-model="itemDialog.open"`. */
export interface FormDialog<F extends object, S> {
  open: boolean;
  /** The row the dialog was opened on (null for a new record). */
  subject: S | null;
  form: F;
  errors: FieldErrors;
  saving: boolean;
  problem: string;
  /** Opens on a row, or (from a button, which passes its click) on nothing. */
  start: (subject?: S | Event) => void;
  /** The checks alone, their messages under the fields: true when nothing is wrong (a dialog that shows more before it saves). */
  check: () => boolean;
  save: () => Promise<void>;
}

function wantsValue(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (typeof value === 'string') return !value.trim();
  return Array.isArray(value) && value.length === 0;
}

/**
 * Dialogs of a page that share its words: `dialog({ blank, check, save, done })` gives the open
 * flag, the form, the messages under its fields, `start` (blank form, no messages, open), `check`
 * and `save` (check, send, "saved", close, `done`; a refusal goes under the fields it names and the
 * rest to a message).
 */
export function useFormDialogs(words: DialogWords) {
  return function dialog<F extends object, S = undefined, R = unknown>(
    options: FormDialogOptions<F, S, R>,
  ): FormDialog<F, S> {
    const open = options.open ?? ref(false);
    const subject = ref(null) as Ref<S | null>;
    const form = reactive(options.blank(undefined as S)) as F;
    const errors = useFieldErrors(form);
    const saving = ref(false);
    const problem = ref('');

    function begin(): void {
      Object.assign(form, options.blank(subject.value as S));
      clearErrors(errors);
      problem.value = '';
    }

    function start(on?: S | Event): void {
      // A button's click passes its event: only a row opens a dialog "on" something.
      subject.value = on instanceof Event ? null : (on ?? null);
      begin();
      open.value = true;
    }

    // Opened by the parent's v-model rather than by `start`.
    if (options.open)
      watch(options.open, (value) => {
        if (value) begin();
      });

    /** Puts a refusal under the form's fields; true when some of it is for a message. */
    function placeFormRefusal(error: unknown, on: S): boolean {
      const names: Record<string, string | undefined> = { ...options.names?.(on) };
      const keys = Object.keys(form);
      const refusal = placeRefusal(
        error,
        keys.map((key) => names[key] ?? key),
        errors,
      );
      for (const key of keys) {
        const name = names[key];
        if (name && name !== key && errors[name] !== undefined) {
          errors[key] = errors[name];
          delete errors[name];
        }
      }
      return refusal.message !== null;
    }

    function check(): boolean {
      clearErrors(errors);
      problem.value = '';
      const values = form as Record<string, unknown>;
      const need: Need<F> = (field, label) => {
        if (wantsValue(values[field])) errors[field] = words.required(label);
      };
      options.check?.(form, need, errors, subject.value as S);
      const first = Object.values(errors)[0];
      if (first === undefined) return true;
      if (options.problemInDialog) problem.value = first;
      return false;
    }

    async function save(): Promise<void> {
      const on = subject.value as S;
      if (!check()) return;
      saving.value = true;
      try {
        const result = await options.save(form, on);
        if (options.saved !== null)
          ElMessage.success(options.saved ? options.saved(result, on) : words.saved());
        open.value = false;
        await options.done?.(on, result);
      } catch (error) {
        if (options.problemInDialog) problem.value = errorText(error);
        else if (placeFormRefusal(error, on)) ElMessage.error(errorText(error));
        else if (words.fixFields) ElMessage.error(words.fixFields());
      } finally {
        saving.value = false;
      }
    }

    return reactive({ open, subject, form, errors, saving, problem, start, check, save }) as FormDialog<F, S>;
  };
}

/** Changes a row (take it, close it…) and loads the list again; a failure is told in a message. */
export function act(work: () => Promise<unknown>, reload: () => Promise<unknown>): Promise<void> {
  return withMessage(async () => {
    await work();
    await reload();
  });
}

/** Options of a list filter: each value with its words (`t(\`r.kinds.${value}\`)`). */
export function optionsOf<V extends string>(values: readonly V[], label: (value: V) => string) {
  return values.map((value) => ({ value, label: label(value) }));
}
