// The frame of every signed-in page: a skip link, the navigation, who is signed in, and the page.
import { Link, Outlet } from '@tanstack/react-router';
import { mayOpenAdmin } from '../admin/access.ts';
import { useSession } from './session.ts';

export function Layout() {
  const { user, signOut } = useSession();
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <nav aria-label="Main">
          <Link to="/" className="brand">
            Changeproof
          </Link>
          <Link to="/" activeOptions={{ exact: true }}>
            Home
          </Link>
          <Link to="/changes" search={{}} activeOptions={{ exact: true }}>
            Changes
          </Link>
          <Link to="/changes/new">Raise a change</Link>
          <Link to="/calendar" search={{}}>
            Calendar
          </Link>
          <Link to="/services">Services</Link>
          <Link to="/ledger">Ledger</Link>
          {mayOpenAdmin(user) && <Link to="/admin">Admin</Link>}
        </nav>
        <div className="who">
          <span>
            Signed in as <strong>{user.username}</strong>
          </span>
          <button type="button" className="link" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <Outlet />
    </>
  );
}
