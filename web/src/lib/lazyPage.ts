import { createElement, lazy, useState, type ComponentType } from "react";

interface PageModule {
  default: ComponentType;
}

export type LazyPage = ComponentType & { preload: () => Promise<PageModule> };

/**
 * `React.lazy` for a route's page that renders without suspending once its code has arrived.
 * React 19 holds back content that replaces a Suspense fallback for about 300 ms, so a page
 * that suspends on its first render appears late even when its chunk is cached; calling
 * `preload()` early (while the session is checked) avoids the fallback altogether.
 */
export function lazyPage(load: () => Promise<PageModule>): LazyPage {
  let loaded: ComponentType | undefined;
  let pending: Promise<PageModule> | undefined;
  const preload = () => {
    pending ??= load().then(
      (module) => {
        loaded = module.default;
        return module;
      },
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  };
  const Lazy = lazy(preload);
  // Chosen once per mount: switching between the two would remount the page and lose its state.
  const Page = () => {
    const [component] = useState<ComponentType>(() => loaded ?? Lazy);
    return createElement(component);
  };
  return Object.assign(Page, { preload });
}
