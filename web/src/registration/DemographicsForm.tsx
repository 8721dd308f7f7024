import { Button, Fieldset, Group, MultiSelect, Select, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { fieldErrorMessage } from '../ui/FieldError';
import { FormErrors } from '../ui/FormErrors';
import { useAction } from '../ui/useAction';
import { LikelyMatches } from './LikelyMatches';
import {
  BIRTH_SEXES,
  CONTACT_METHODS,
  ETHNICITIES,
  GENDER_IDENTITIES,
  GENDERS,
  LANGUAGES,
  PRONOUNS,
  RACES,
} from './options';
import {
  findMatches,
  registerPatient,
  useDeskSetup,
  type LikelyMatch,
  type RegistrationForm,
} from './registrationApi';

const EMPTY = {
  family: '',
  given: '',
  middle: '',
  nameToUse: '',
  birthDate: '',
  gender: '',
  birthSex: '',
  genderIdentity: '',
  pronouns: '',
  race: [] as string[],
  ethnicity: '',
  language: '',
  line: '',
  city: '',
  state: '',
  postalCode: '',
  homePhone: '',
  mobilePhone: '',
  email: '',
  preferredContact: '',
  emergencyName: '',
  emergencyRelationship: '',
  emergencyPhone: '',
  guarantorName: '',
  guarantorRelationship: '',
  guarantorPhone: '',
  primaryCareProviderId: '',
};
type State = typeof EMPTY;

const FIELDS = [
  'name.family',
  'name.given',
  'name.middle',
  'nameToUse',
  'birthDate',
  'gender',
  'birthSex',
  'genderIdentity',
  'pronouns',
  'race',
  'ethnicity',
  'language',
  'address',
  'homePhone',
  'mobilePhone',
  'email',
  'preferredContact',
  'emergencyContact',
  'guarantor',
  'primaryCareProviderId',
  'confirmedNotDuplicate',
];

const opt = (v: string) => (v.trim() === '' ? undefined : v.trim());

function toForm(s: State, confirmed: boolean): RegistrationForm {
  return {
    name: { family: s.family.trim(), given: s.given.trim(), middle: opt(s.middle) },
    nameToUse: opt(s.nameToUse),
    birthDate: s.birthDate,
    gender: s.gender,
    birthSex: opt(s.birthSex),
    genderIdentity: opt(s.genderIdentity),
    pronouns: opt(s.pronouns),
    race: s.race.length ? s.race : undefined,
    ethnicity: opt(s.ethnicity),
    language: opt(s.language),
    address: { line: opt(s.line), city: opt(s.city), state: opt(s.state), postalCode: opt(s.postalCode) },
    homePhone: opt(s.homePhone),
    mobilePhone: opt(s.mobilePhone),
    email: opt(s.email),
    preferredContact: opt(s.preferredContact),
    emergencyContact: s.emergencyName.trim()
      ? { name: s.emergencyName, relationship: s.emergencyRelationship, phone: opt(s.emergencyPhone) }
      : undefined,
    guarantor: s.guarantorName.trim()
      ? { name: s.guarantorName, relationship: s.guarantorRelationship, phone: opt(s.guarantorPhone) }
      : { self: true },
    primaryCareProviderId: opt(s.primaryCareProviderId),
    confirmedNotDuplicate: confirmed,
  };
}

/**
 * The new-patient form: legal name and the name to use, date of birth, sex and (optionally) gender identity
 * and pronouns, race and ethnicity (OMB), language, how to reach them, emergency contact, guarantor, primary
 * care provider. Submitting first looks for existing charts; if any look alike the desk must confirm.
 */
export function DemographicsForm({
  onRegistered,
}: {
  onRegistered: (patientId: string, mrn: string) => void;
}) {
  const setup = useDeskSetup();
  const [s, setS] = useState<State>(EMPTY);
  const [matches, setMatches] = useState<LikelyMatch[] | undefined>();
  const [checkedFor, setCheckedFor] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const register = useAction(registerPatient);
  const check = useAction(findMatches);
  const error = register.error ?? check.error;

  const set = (key: keyof State) => (value: string | null | React.ChangeEvent<HTMLInputElement>) => {
    const v = value === null ? '' : typeof value === 'string' ? value : value.currentTarget.value;
    setS((old) => ({ ...old, [key]: v }));
  };
  const identity = `${s.family}|${s.given}|${s.birthDate}|${s.homePhone}|${s.mobilePhone}`;

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    register.reset();
    // The match check runs again whenever the name, birth date or phones changed since the last one.
    if (identity !== checkedFor) {
      const phones = [s.homePhone, s.mobilePhone].filter((p) => p.trim() !== '');
      const found = await check.run({ family: s.family, given: s.given, birthDate: s.birthDate, phones });
      if (!found.ok) return;
      setCheckedFor(identity);
      setMatches(found.value);
      setConfirmed(false);
      if (found.value.length > 0) return;
    }
    if (matches && matches.length > 0 && !confirmed) return;
    const result = await register.run(toForm(s, confirmed));
    if (result.ok) onRegistered(result.value.patient.id ?? '', result.value.mrn);
  }

  const e = (field: string | string[]) => fieldErrorMessage(error, field);
  const providers = (setup.data?.providers ?? []).map((p) => ({ value: p.id, label: p.name }));
  const waiting = matches && matches.length > 0 && !confirmed && identity === checkedFor;

  return (
    <form onSubmit={(event) => void onSubmit(event)} noValidate aria-label="New patient">
      <Stack gap="md">
        <FormErrors error={error} fields={FIELDS} />
        <Fieldset legend="Legal name">
          <SimpleGrid cols={{ base: 1, sm: 4 }}>
            <TextInput
              label="Last name"
              required
              autoComplete="off"
              value={s.family}
              onChange={set('family')}
              error={e('name.family')}
              data-autofocus
            />
            <TextInput
              label="First name"
              required
              autoComplete="off"
              value={s.given}
              onChange={set('given')}
              error={e('name.given')}
            />
            <TextInput
              label="Middle name"
              autoComplete="off"
              value={s.middle}
              onChange={set('middle')}
              error={e('name.middle')}
            />
            <TextInput
              label="Name to use"
              description="What they like to be called"
              autoComplete="off"
              value={s.nameToUse}
              onChange={set('nameToUse')}
              error={e('nameToUse')}
            />
          </SimpleGrid>
        </Fieldset>
        <Fieldset legend="Birth and identity">
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <TextInput
              label="Date of birth"
              type="date"
              required
              value={s.birthDate}
              onChange={set('birthDate')}
              error={e('birthDate')}
            />
            <Select
              label="Sex (administrative)"
              required
              data={GENDERS}
              value={s.gender || null}
              onChange={set('gender')}
              error={e('gender')}
            />
            <Select
              label="Sex assigned at birth"
              clearable
              data={BIRTH_SEXES}
              value={s.birthSex || null}
              onChange={set('birthSex')}
              error={e('birthSex')}
            />
            <Select
              label="Gender identity"
              clearable
              data={GENDER_IDENTITIES}
              value={s.genderIdentity || null}
              onChange={set('genderIdentity')}
              error={e('genderIdentity')}
            />
            <Select
              label="Pronouns"
              clearable
              data={PRONOUNS}
              value={s.pronouns || null}
              onChange={set('pronouns')}
              error={e('pronouns')}
            />
            <Select
              label="Preferred language"
              clearable
              searchable
              data={LANGUAGES}
              value={s.language || null}
              onChange={set('language')}
              error={e('language')}
            />
            <MultiSelect
              label="Race"
              clearable
              data={RACES}
              value={s.race}
              onChange={(race) => setS((old) => ({ ...old, race }))}
              error={e('race')}
            />
            <Select
              label="Ethnicity"
              clearable
              data={ETHNICITIES}
              value={s.ethnicity || null}
              onChange={set('ethnicity')}
              error={e('ethnicity')}
            />
          </SimpleGrid>
        </Fieldset>
        <Fieldset legend="Address and contact">
          <SimpleGrid cols={{ base: 1, sm: 4 }}>
            <TextInput
              label="Street"
              autoComplete="off"
              value={s.line}
              onChange={set('line')}
              error={e('address.line')}
            />
            <TextInput
              label="City"
              autoComplete="off"
              value={s.city}
              onChange={set('city')}
              error={e('address.city')}
            />
            <TextInput
              label="State"
              autoComplete="off"
              maxLength={2}
              value={s.state}
              onChange={set('state')}
              error={e('address.state')}
            />
            <TextInput
              label="ZIP"
              autoComplete="off"
              value={s.postalCode}
              onChange={set('postalCode')}
              error={e('address.postalCode')}
            />
            <TextInput
              label="Home phone"
              type="tel"
              autoComplete="off"
              value={s.homePhone}
              onChange={set('homePhone')}
              error={e('homePhone')}
            />
            <TextInput
              label="Mobile phone"
              type="tel"
              autoComplete="off"
              value={s.mobilePhone}
              onChange={set('mobilePhone')}
              error={e('mobilePhone')}
            />
            <TextInput
              label="E-mail"
              type="email"
              autoComplete="off"
              value={s.email}
              onChange={set('email')}
              error={e('email')}
            />
            <Select
              label="Preferred contact"
              clearable
              data={CONTACT_METHODS}
              value={s.preferredContact || null}
              onChange={set('preferredContact')}
              error={e('preferredContact')}
            />
          </SimpleGrid>
        </Fieldset>
        <Fieldset legend="Emergency contact and guarantor">
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <TextInput
              label="Emergency contact name"
              autoComplete="off"
              value={s.emergencyName}
              onChange={set('emergencyName')}
              error={e('emergencyContact.name')}
            />
            <TextInput
              label="Relationship"
              autoComplete="off"
              value={s.emergencyRelationship}
              onChange={set('emergencyRelationship')}
              error={e('emergencyContact.relationship')}
            />
            <TextInput
              label="Their phone"
              type="tel"
              autoComplete="off"
              value={s.emergencyPhone}
              onChange={set('emergencyPhone')}
              error={e('emergencyContact.phone')}
            />
            <TextInput
              label="Guarantor name"
              description="Leave empty when the patient pays"
              autoComplete="off"
              value={s.guarantorName}
              onChange={set('guarantorName')}
              error={e('guarantor.name')}
            />
            <TextInput
              label="Guarantor relationship"
              autoComplete="off"
              value={s.guarantorRelationship}
              onChange={set('guarantorRelationship')}
              error={e('guarantor.relationship')}
            />
            <TextInput
              label="Guarantor phone"
              type="tel"
              autoComplete="off"
              value={s.guarantorPhone}
              onChange={set('guarantorPhone')}
              error={e('guarantor.phone')}
            />
          </SimpleGrid>
        </Fieldset>
        <Select
          label="Primary care provider"
          clearable
          searchable
          data={providers}
          value={s.primaryCareProviderId || null}
          onChange={set('primaryCareProviderId')}
          error={e('primaryCareProviderId')}
          maw={400}
        />
        {matches && matches.length > 0 && identity === checkedFor && (
          <LikelyMatches matches={matches} confirmed={confirmed} onConfirm={setConfirmed} />
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={register.pending || check.pending} disabled={waiting}>
            {identity !== checkedFor ? 'Check and register' : 'Register patient'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
