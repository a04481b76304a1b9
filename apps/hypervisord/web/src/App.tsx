import { useEffect, useState } from 'react';
import { UNAUTHORIZED_EVENT, clearToken, getToken } from './api';
import { useHashRoute } from './hooks';
import { TokenPage } from './pages/TokenPage';
import { JobsPage } from './pages/JobsPage';
import { JobDetailPage } from './pages/JobDetailPage';
import { SubmitPage } from './pages/SubmitPage';
import { DaemonsPage } from './pages/DaemonsPage';

export function App() {
  const [token, setTokenState] = useState<string | null>(getToken());
  const [expired, setExpired] = useState(false);
  const route = useHashRoute();

  useEffect(() => {
    const onUnauthorized = () => {
      setExpired(true);
      setTokenState(null);
    };
    window.addEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
    return () => window.removeEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
  }, []);

  if (!token) {
    return (
      <TokenPage
        expired={expired}
        onSaved={(t) => {
          setExpired(false);
          setTokenState(t);
        }}
      />
    );
  }

  const detail = route.match(/^\/jobs\/([^/]+)$/);
  let page;
  if (detail) page = <JobDetailPage id={decodeURIComponent(detail[1])} />;
  else if (route === '/submit') page = <SubmitPage />;
  else if (route === '/daemons') page = <DaemonsPage />;
  else page = <JobsPage />;

  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">hypervisord</span>
        <nav>
          <a href="#/jobs" className={route.startsWith('/jobs') ? 'active' : ''}>
            Jobs
          </a>
          <a href="#/submit" className={route === '/submit' ? 'active' : ''}>
            New job
          </a>
          <a href="#/daemons" className={route === '/daemons' ? 'active' : ''}>
            Conversion daemons
          </a>
          <button
            type="button"
            className="link"
            onClick={() => {
              clearToken();
              setTokenState(null);
            }}
          >
            Change token
          </button>
        </nav>
      </header>
      <main>{page}</main>
    </div>
  );
}
