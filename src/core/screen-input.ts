/**
 * What Claude's interactive screen offers for input, read from its rendered rows: whether the
 * prompt box is there and what it holds, whether a menu or dialog has the keyboard, and whether
 * Claude itself is set to continue after a usage limit. Observed on the real screens (captured
 * against our mock API):
 *
 *   2.1.330                                       1.0.60
 *   ─────────────────────────────────────         ╭──────────────────────────────────╮
 *   ❯ continue                                    │ > continue                       │
 *   ─────────────────────────────────────         ╰──────────────────────────────────╯
 *     ⚠ Usage limit reached · limit resets 6:21am
 *       Continuing automatically at 6:21am · Esc to cancel
 *
 * A menu (2.1.330's "What do you want to do?" after a limit, a permission prompt) replaces the
 * prompt box and ends with "Enter to confirm · Esc to cancel" or numbered choices.
 */

export interface ScreenInput {
  /** The prompt box's text (a placeholder reads as empty); null when no prompt box is shown. */
  input: string | null;
  /** A menu or a question holds the keyboard: keys typed now would answer it. */
  dialog: boolean;
  /** Claude says it will continue by itself once the limit resets (2.1.x's automatic continue). */
  continuesItself: boolean;
}

const RULE = /^─{20,}$/;
const BOX_TOP = /^╭─{10,}╮$/;
/** 2.1.x draws `❯ text` under a rule; 1.0.x `│ > text │` under the box's top edge. */
const CURRENT_INPUT = /^❯(?: (.*))?$/;
const LEGACY_INPUT = /^│ > ?(.*?)\s*│$/;
const LEGACY_CONTINUATION = /^│ {2,}(.*?)\s*│$/;
const MENU_FOOTER = /Enter to confirm · Esc to (?:cancel|exit)/;
const QUESTION = /^\s*(?:│\s*)?(?:Do you want to .+\?|What do you want to do\?)/;
const AUTOMATIC_CONTINUE = /Continuing (?:automatically at .+|shortly) · Esc to cancel/;
/** 1.0.x shows a suggestion in an empty box; it is not text anyone typed. */
const PLACEHOLDER = /^Try "[^"]*"$/;

/** Rows as read from the screen, top to bottom, trailing spaces trimmed. */
export function readScreenInput(rows: readonly string[]): ScreenInput {
  const dialog = rows.some((row) => MENU_FOOTER.test(row) || QUESTION.test(row));
  const continuesItself = rows.some((row) => AUTOMATIC_CONTINUE.test(row));
  return { input: dialog ? null : promptBoxText(rows), dialog, continuesItself };
}

/** The text of the lowest prompt box on screen, its wrapped rows joined; null without one. */
function promptBoxText(rows: readonly string[]): string | null {
  for (let index = rows.length - 1; index > 0; index--) {
    const row = rows[index] ?? '';
    const above = rows[index - 1] ?? '';
    const current = RULE.test(above) ? CURRENT_INPUT.exec(row) : null;
    if (current) {
      // A long input wraps onto indented rows down to the box's lower rule.
      const end = rows.findIndex((next, at) => at > index && RULE.test(next));
      return joined([current[1] ?? '', ...rows.slice(index + 1, end === -1 ? index + 1 : end)]);
    }
    const legacy = BOX_TOP.test(above) ? LEGACY_INPUT.exec(row) : null;
    if (legacy) {
      const parts = [legacy[1] ?? ''];
      for (const next of rows.slice(index + 1)) {
        const continued = LEGACY_CONTINUATION.exec(next);
        if (!continued) break;
        parts.push(continued[1] ?? '');
      }
      return joined(parts);
    }
  }
  return null;
}

function joined(parts: readonly string[]): string {
  const text = parts
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .join(' ');
  return PLACEHOLDER.test(text) ? '' : text;
}

/** Whether the box shows `text` as typed: the same words, however the box wrapped them. */
export function showsTyped(screen: ScreenInput, text: string): boolean {
  return screen.input !== null && screen.input.replace(/\s+/g, ' ') === text.trim().replace(/\s+/g, ' ');
}
