/** The choices of the new-patient form (codes as src/clinic/registration/register.ts takes them). */
export const GENDERS = [
  { value: 'female', label: 'Female' },
  { value: 'male', label: 'Male' },
  { value: 'other', label: 'Other' },
  { value: 'unknown', label: 'Unknown' },
];
export const BIRTH_SEXES = [
  { value: 'F', label: 'Female' },
  { value: 'M', label: 'Male' },
  { value: 'UNK', label: 'Unknown' },
];
export const GENDER_IDENTITIES = [
  { value: '446141000124107', label: 'Identifies as female' },
  { value: '446151000124109', label: 'Identifies as male' },
  { value: '33791000087105', label: 'Identifies as nonbinary' },
  { value: 'OTH', label: 'Other' },
  { value: 'ASKU', label: 'Chose not to answer' },
];
export const PRONOUNS = [
  { value: 'LA29519-8', label: 'she/her' },
  { value: 'LA29518-0', label: 'he/him' },
  { value: 'LA29520-6', label: 'they/them' },
];
export const RACES = [
  { value: '1002-5', label: 'American Indian or Alaska Native' },
  { value: '2028-9', label: 'Asian' },
  { value: '2054-5', label: 'Black or African American' },
  { value: '2076-8', label: 'Native Hawaiian or Other Pacific Islander' },
  { value: '2106-3', label: 'White' },
  { value: 'ASKU', label: 'Chose not to answer' },
  { value: 'UNK', label: 'Unknown' },
];
export const ETHNICITIES = [
  { value: '2135-2', label: 'Hispanic or Latino' },
  { value: '2186-5', label: 'Not Hispanic or Latino' },
  { value: 'ASKU', label: 'Chose not to answer' },
  { value: 'UNK', label: 'Unknown' },
];
export const LANGUAGES = [
  { value: 'en', label: 'English' },
  { value: 'es', label: 'Spanish' },
  { value: 'vi', label: 'Vietnamese' },
  { value: 'zh', label: 'Chinese' },
  { value: 'ar', label: 'Arabic' },
  { value: 'fr', label: 'French' },
  { value: 'ko', label: 'Korean' },
  { value: 'tl', label: 'Tagalog' },
];
export const CONTACT_METHODS = [
  { value: 'mobile-phone', label: 'Mobile phone' },
  { value: 'home-phone', label: 'Home phone' },
  { value: 'email', label: 'E-mail' },
];
export const RELATIONSHIPS = [
  { value: 'self', label: 'Self' },
  { value: 'spouse', label: 'Spouse' },
  { value: 'child', label: 'Child (of the subscriber)' },
  { value: 'other', label: 'Other' },
];
