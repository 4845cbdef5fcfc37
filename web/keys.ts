/**
 * @module
 * The page's keyboard: moving through the tree (arrows, j/k/h/l, Home/End), opening and
 * closing rows, collapse levels, step mode (n, c), Run (r) and the help (?). Keys typed into a
 * text field are left alone.
 */
import type { Help } from './help.js';
import type { StepControl } from './step-control.js';
import type { Store } from './store.js';
import type { TreePane } from './tree-pane.js';

export function bindKeys(store: Store, tree: TreePane, steps: StepControl, help: Help): void {
  document.addEventListener('keydown', (ev) => {
    const target = ev.target as HTMLElement | null;
    if (target && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName))) {
      if (!(target instanceof HTMLInputElement && target.type === 'checkbox')) return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (help.open) {
      if (ev.key === 'Escape' || ev.key === '?') {
        help.toggle();
        ev.preventDefault();
      }
      return;
    }
    const onButton = target instanceof HTMLButtonElement || target instanceof HTMLAnchorElement;
    let handled = true;
    switch (ev.key) {
      case 'ArrowDown':
      case 'j':
        tree.move(1);
        break;
      case 'ArrowUp':
      case 'k':
        tree.move(-1);
        break;
      case 'Home':
        tree.moveTo(0);
        break;
      case 'End':
        tree.moveTo(-1);
        break;
      case 'ArrowRight':
      case 'l':
        tree.right();
        break;
      case 'ArrowLeft':
      case 'h':
        tree.left();
        break;
      case 'Enter':
      case ' ': {
        const selected = store.state.selected;
        if (onButton) handled = false;
        else if (selected) tree.toggle(selected);
        break;
      }
      case '[':
        tree.collapseAll();
        break;
      case ']':
        tree.expandAll();
        break;
      case '-':
        tree.levelUp();
        break;
      case '+':
      case '=':
        tree.levelDown();
        break;
      case 'n':
        void steps.step('next');
        break;
      case 'b':
        steps.stepper?.back();
        break;
      case 'c':
        void steps.step('continue');
        break;
      case 'r':
        if (!steps.activeRun()) void steps.run();
        break;
      case '?':
        help.toggle();
        break;
      default:
        handled = false;
    }
    if (handled) ev.preventDefault();
  });
}
