// The routes. Every screen but the shell is loaded on first visit (code-split), so the first screen is small.
import { createRootRoute, createRoute, createRouter, lazyRouteComponent } from '@tanstack/react-router';
import { pickCalendarSearch } from '../calendar/dates.ts';
import { parseChangeFilters } from '../changes/filters.ts';
import { Layout } from './Layout.tsx';

const root = createRootRoute({ component: Layout });

const home = createRoute({
  getParentRoute: () => root,
  path: '/',
  component: lazyRouteComponent(() => import('../home/Home.tsx'), 'Home'),
});

const changes = createRoute({
  getParentRoute: () => root,
  path: '/changes',
  validateSearch: parseChangeFilters,
  component: lazyRouteComponent(() => import('../changes/ChangesPage.tsx'), 'ChangesPage'),
});

const raise = createRoute({
  getParentRoute: () => root,
  path: '/changes/new',
  component: lazyRouteComponent(() => import('../raise/RaisePage.tsx'), 'RaisePage'),
});

const change = createRoute({
  getParentRoute: () => root,
  path: '/changes/$id',
  component: lazyRouteComponent(() => import('../change/ChangePage.tsx'), 'ChangePage'),
});

const services = createRoute({
  getParentRoute: () => root,
  path: '/services',
  component: lazyRouteComponent(() => import('../services/ServicesPage.tsx'), 'ServicesPage'),
});

const service = createRoute({
  getParentRoute: () => root,
  path: '/services/$name',
  component: lazyRouteComponent(() => import('../services/ServicePage.tsx'), 'ServicePage'),
});

const ledger = createRoute({
  getParentRoute: () => root,
  path: '/ledger',
  component: lazyRouteComponent(() => import('../ledger/LedgerPage.tsx'), 'LedgerPage'),
});

const calendar = createRoute({
  getParentRoute: () => root,
  path: '/calendar',
  validateSearch: pickCalendarSearch,
  component: lazyRouteComponent(() => import('../calendar/CalendarPage.tsx'), 'CalendarPage'),
});

export const router = createRouter({
  routeTree: root.addChildren([home, changes, raise, change, services, service, ledger, calendar]),
  defaultNotFoundComponent: () => (
    <main id="main">
      <h1>Not found</h1>
      <p>There is no page at this address.</p>
    </main>
  ),
});

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
