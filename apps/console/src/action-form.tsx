import { useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import type { Problem } from './api';
import { ProblemView, problemOf } from './problem-view';
import type { Written } from './types';

export function Section({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section class="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/** One action's form: its fields, a submit button, and the API's problem when it refuses. */
export function ActionForm({ name, submit, onDone, children, danger }: { name: string; submit: () => Promise<Written>; onDone: (written: Written, name: string) => Promise<void>; children?: ComponentChildren; danger?: boolean }) {
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await onDone(await submit(), name);
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="action" onSubmit={run} aria-label={name}>
      {children}
      <button type="submit" class={danger ? 'danger' : undefined} disabled={busy}>
        {name}
      </button>
      <ProblemView problem={problem} />
    </form>
  );
}

export function Field({ id, label: text, children }: { id: string; label: string; children: ComponentChildren }) {
  return (
    <div class="field">
      <label for={id}>{text}</label>
      {children}
    </div>
  );
}
