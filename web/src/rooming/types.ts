/**
 * What every rooming panel gets from the rooming screen (RoomingPage), and the visit as
 * GET /api/rooming/encounters/:id answers it (docs/rooming-api.md "The rooming screen").
 */
export interface RoomingVisitView {
  encounterId: string;
  appointmentId?: string;
  patient: {
    id: string;
    name: string;
    birthDate?: string;
    gender?: string;
    /** e.g. "54 y", "18 mo". */
    age?: string;
    ageMonths?: number;
  };
  visitType: { code: string; display: string };
  flowStatus: string;
  provider?: { id: string; name: string };
  room?: { id: string; name: string };
  siteId?: string;
}

export interface ChecklistItemView {
  id: string;
  label: string;
  done: boolean;
  detail?: string;
}

/** Props of every panel on the rooming screen. `onSaved` lets the screen refresh its checklist. */
export interface RoomingPanelProps {
  visit: RoomingVisitView;
  onSaved?: () => void;
  /** The ids of the visit's checklist items (the server's rules by type and age), when the page has them. */
  checklistItems?: readonly string[];
}
