/** Light / dark / system theme, stored in localStorage (read before paint by THEME_SCRIPT). */
import { useEffect, useState } from 'react';
import { THEME_KEY as KEY } from './theme-script';

export type ThemeChoice = 'light' | 'dark' | 'system';

function apply(choice: ThemeChoice): void {
  const dark = choice === 'dark' || (choice === 'system' && matchMedia('(prefers-color-scheme: dark)').matches);
  const el = document.documentElement;
  el.classList.toggle('dark', dark);
  el.style.colorScheme = dark ? 'dark' : 'light';
}

function read(): ThemeChoice {
  try {
    const t = localStorage.getItem(KEY);
    return t === 'light' || t === 'dark' ? t : 'system';
  } catch {
    return 'system';
  }
}

export function useTheme(): [ThemeChoice, (choice: ThemeChoice) => void] {
  const [choice, setChoice] = useState<ThemeChoice>('system');
  // After hydration on purpose: the server cannot know the stored choice, and rendering it
  // on the first client pass would not match the server's HTML.
  // eslint-disable-next-line react-hooks/set-state-in-effect
  useEffect(() => setChoice(read()), []);
  useEffect(() => {
    if (choice !== 'system') return;
    const mq = matchMedia('(prefers-color-scheme: dark)');
    const onChange = () => apply('system');
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }, [choice]);
  const set = (next: ThemeChoice) => {
    try {
      if (next === 'system') localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, next);
    } catch {
      // private mode: the choice lasts for this page only
    }
    apply(next);
    setChoice(next);
  };
  return [choice, set];
}
