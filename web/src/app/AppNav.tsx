import { NavLink, Stack, Text } from '@mantine/core';
import {
  IconCalendar,
  IconChartBar,
  IconClipboardList,
  IconFileText,
  IconLayoutKanban,
  IconPhoneCall,
  IconUserPlus,
  IconHistory,
  IconSettings,
  IconSignature,
  IconUserShield,
  IconUsers,
  type TablerIcon,
} from '@tabler/icons-react';
import { Link, useLocation, useMatch } from 'react-router';
import { useSession } from '../auth/authContext';
import { abilities } from '../auth/session';
import { usePatient } from '../fhir/queries';
import { patientNameFamilyFirst } from '../patient/display';

interface AdminLink {
  to: string;
  label: string;
  icon: TablerIcon;
}

/**
 * Only areas that work: patient search/home, the open patient's chart, and, for practice administrators
 * (the audit log also for the privacy officer), Administration.
 */
export function AppNav() {
  const location = useLocation();
  const chart = useMatch('/patients/:id');
  const can = abilities(useSession());
  const desk: AdminLink[] = [];
  if (can.schedule) desk.push({ to: '/schedule', label: 'Schedule', icon: IconCalendar });
  if (can.flowBoard) desk.push({ to: '/flow', label: 'Flow board', icon: IconLayoutKanban });
  if (can.registerPatients) desk.push({ to: '/patients/new', label: 'New patient', icon: IconUserPlus });
  if (can.recallList) desk.push({ to: '/recall', label: 'Recall list', icon: IconPhoneCall });
  if (can.waitTimeReport) desk.push({ to: '/reports/wait-times', label: 'Wait times', icon: IconChartBar });
  if (can.huddle) desk.push({ to: '/huddle', label: 'Huddle sheet', icon: IconClipboardList });
  if (can.cosign) desk.push({ to: '/cosign', label: 'Co-sign queue', icon: IconSignature });
  const admin: AdminLink[] = [];
  if (can.manageUsers) admin.push({ to: '/administration/users', label: 'Users', icon: IconUserShield });
  if (can.auditLog) admin.push({ to: '/administration/audit', label: 'Audit log', icon: IconHistory });
  if (can.auditSettings) {
    admin.push({ to: '/administration/audit-settings', label: 'Audit settings', icon: IconSettings });
  }

  return (
    <Stack gap={2}>
      <PageLink
        to="/patients"
        label="Patients"
        icon={IconUsers}
        current={location.pathname === '/patients'}
      />
      {chart?.params.id && chart.params.id !== 'new' && <ChartLink id={chart.params.id} />}
      {desk.map((link) => (
        <PageLink key={link.to} {...link} current={location.pathname === link.to} />
      ))}
      {admin.length > 0 && (
        <Stack gap={2} mt="md" role="group" aria-labelledby="nav-administration">
          <Text id="nav-administration" size="xs" fw={650} c="dimmed" tt="uppercase" px="sm" py={4}>
            Administration
          </Text>
          {admin.map((link) => (
            <PageLink key={link.to} {...link} current={location.pathname === link.to} />
          ))}
        </Stack>
      )}
    </Stack>
  );
}

function PageLink({
  to,
  label,
  icon: LinkIcon,
  current,
}: {
  to: string;
  label: string;
  icon: TablerIcon;
  current: boolean;
}) {
  return (
    <NavLink
      component={Link}
      to={to}
      label={label}
      leftSection={<LinkIcon size={18} aria-hidden />}
      active={current}
      aria-current={current ? 'page' : undefined}
    />
  );
}

function ChartLink({ id }: { id: string }) {
  const patient = usePatient(id);
  const name = patient.data ? patientNameFamilyFirst(patient.data) : 'Patient';
  return (
    <NavLink
      component={Link}
      to={`/patients/${encodeURIComponent(id)}`}
      label="Chart"
      description={name}
      leftSection={<IconFileText size={18} aria-hidden />}
      active
      aria-current="page"
      styles={{ description: { color: 'var(--mantine-color-indigo-9)', opacity: 1 } }}
    />
  );
}
