import { AppShell } from '@mantine/core';
import { lazy, Suspense, useMemo, useState } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { useSession } from '../auth/authContext';
import { abilities } from '../auth/session';
import { useSites } from '../fhir/queries';
import { PatientsHome } from '../search/PatientsHome';
import { PageLoader } from '../ui/PageLoader';
import { AppHeader } from './AppHeader';
import { AppNav } from './AppNav';
import { NotAllowedPage } from './NotAllowedPage';
import { NotFoundPage } from './NotFoundPage';
import { ServerStatusBanner } from './ServerStatusBanner';
import { locationTimeZone, SiteContext, type SiteChoice } from './SiteContext';

// The chart is the heaviest screen: it loads on first use, so the first screen stays small. So do the
// screens few people open: administration and the list of one's sessions.
const PatientPage = lazy(() => import('../patient/PatientPage'));
const SessionsPage = lazy(() => import('../auth/SessionsPage'));
const UsersPage = lazy(() => import('../admin/UsersPage'));
const AuditLogPage = lazy(() => import('../admin/AuditLogPage'));
const AuditSettingsPage = lazy(() => import('../admin/AuditSettingsPage'));
// The front desk's screens (issue 5), one folder each.
const SchedulePage = lazy(() => import('../schedule/SchedulePage'));
const FlowBoardPage = lazy(() => import('../flow/FlowBoardPage'));
const RegisterPatientPage = lazy(() => import('../registration/RegisterPatientPage'));
const RecallPage = lazy(() => import('../recall/RecallPage'));
const WaitTimePage = lazy(() => import('../reports/WaitTimePage'));
// Rooming and the chart (issue 6): web/src/rooming, one folder per part.
const RoomingPage = lazy(() => import('../rooming/RoomingPage'));
const VitalsTrendsPage = lazy(() => import('../rooming/growth/VitalsTrendsPage'));
const CosignQueuePage = lazy(() => import('../rooming/intake/CosignQueuePage'));
const HuddlePage = lazy(() => import('../rooming/intake/HuddlePage'));

/** The MA's app: top bar, navigation, and the screens (behind the sign-in gate, Root.tsx). */
export function App() {
  const can = abilities(useSession());
  const sites = useSites();
  const [chosenSite, setSiteId] = useState<string>();
  const siteId = chosenSite ?? sites.data?.[0]?.id;
  const timeZone = locationTimeZone(sites.data?.find((s) => s.id === siteId));
  const site = useMemo<SiteChoice>(() => ({ siteId, timeZone, setSiteId }), [siteId, timeZone]);

  return (
    <SiteContext.Provider value={site}>
      <AppShell header={{ height: 56 }} navbar={{ width: 210, breakpoint: 0 }} padding="md">
        <AppShell.Header>
          <AppHeader />
        </AppShell.Header>
        <AppShell.Navbar aria-label="Main navigation" p="xs">
          <AppNav />
        </AppShell.Navbar>
        <AppShell.Main>
          <ServerStatusBanner />
          <Suspense fallback={<PageLoader label="Opening the page" />}>
            <Routes>
              <Route path="/" element={<Navigate to="/patients" replace />} />
              <Route path="/patients" element={<PatientsHome />} />
              <Route path="/patients/:id" element={<PatientPage />} />
              <Route path="/account/sessions" element={<SessionsPage />} />
              <Route path="/schedule" element={can.schedule ? <SchedulePage /> : <NotAllowedPage />} />
              <Route path="/flow" element={can.flowBoard ? <FlowBoardPage /> : <NotAllowedPage />} />
              <Route
                path="/patients/new"
                element={can.registerPatients ? <RegisterPatientPage /> : <NotAllowedPage />}
              />
              <Route path="/recall" element={can.recallList ? <RecallPage /> : <NotAllowedPage />} />
              <Route
                path="/reports/wait-times"
                element={can.waitTimeReport ? <WaitTimePage /> : <NotAllowedPage />}
              />
              <Route
                path="/rooming/:encounterId"
                element={can.rooming ? <RoomingPage /> : <NotAllowedPage />}
              />
              <Route
                path="/patients/:id/vitals"
                element={can.clinicalChart ? <VitalsTrendsPage /> : <NotAllowedPage />}
              />
              <Route path="/cosign" element={can.cosign ? <CosignQueuePage /> : <NotAllowedPage />} />
              <Route path="/huddle" element={can.huddle ? <HuddlePage /> : <NotAllowedPage />} />
              {/* Not /admin/...: those addresses are the server's administration API. */}
              <Route
                path="/administration/users"
                element={can.manageUsers ? <UsersPage /> : <NotAllowedPage />}
              />
              <Route
                path="/administration/audit"
                element={can.auditLog ? <AuditLogPage /> : <NotAllowedPage />}
              />
              <Route
                path="/administration/audit-settings"
                element={can.auditSettings ? <AuditSettingsPage /> : <NotAllowedPage />}
              />
              <Route path="*" element={<NotFoundPage />} />
            </Routes>
          </Suspense>
        </AppShell.Main>
      </AppShell>
    </SiteContext.Provider>
  );
}
