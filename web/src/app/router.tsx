// The routes. Every screen but the shell is loaded on first visit (code-split), so the first screen is small.
import {
  createRootRoute,
  createRoute,
  createRouter,
  lazyRouteComponent,
  redirect,
} from '@tanstack/react-router';
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

// The admin section: users and groups (admins edit; change managers and auditors read), API tokens (everyone's
// own) and the policy. /admin opens on the users.
const admin = createRoute({
  getParentRoute: () => root,
  path: '/admin',
  beforeLoad: () => redirect({ to: '/admin/users', throw: true }),
});
const adminUsers = createRoute({
  getParentRoute: () => root,
  path: '/admin/users',
  component: lazyRouteComponent(() => import('../admin/UsersPage.tsx'), 'UsersPage'),
});

const adminGroups = createRoute({
  getParentRoute: () => root,
  path: '/admin/groups',
  component: lazyRouteComponent(() => import('../admin/GroupsPage.tsx'), 'GroupsPage'),
});

const adminTokens = createRoute({
  getParentRoute: () => root,
  path: '/admin/tokens',
  component: lazyRouteComponent(() => import('../admin/TokensPage.tsx'), 'TokensPage'),
});

const adminPolicy = createRoute({
  getParentRoute: () => root,
  path: '/admin/policy',
  component: lazyRouteComponent(() => import('../admin/PolicyPage.tsx'), 'PolicyPage'),
});

export const router = createRouter({
  routeTree: root.addChildren([
    home,
    changes,
    raise,
    change,
    services,
    service,
    ledger,
    calendar,
    admin,
    adminUsers,
    adminGroups,
    adminTokens,
    adminPolicy,
  ]),
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
