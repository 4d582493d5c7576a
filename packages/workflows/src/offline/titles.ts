import type { ExtractedProfile, Seniority } from "../schemas.js";

type Ladder = Record<Seniority, string[]>;

interface Family {
  id: string;
  fields: string[];
  /** Matches current/past titles, the headline or a studied field. */
  match: RegExp;
  ladder: Ladder;
  /** Extra titles when the profile has one of these skills (mid and above, or junior). */
  bySkill?: { skills: string[]; junior: string; mid: string; senior: string }[];
}

const L = (student: string[], junior: string[], mid: string[], senior: string[], lead: string[], executive: string[]): Ladder => ({
  student,
  junior,
  mid,
  senior,
  lead,
  executive,
});

const FAMILIES: Family[] = [
  {
    id: "nursing",
    fields: ["healthcare"],
    match: /\b(nurse|nursing|rn|bsn|lpn)\b/i,
    ladder: L(
      ["Student Nurse", "Nursing Assistant", "Patient Care Technician", "Graduate Nurse"],
      ["Registered Nurse", "New Graduate Registered Nurse", "Staff Nurse", "Clinical Nurse"],
      ["Registered Nurse", "Medical-Surgical Nurse", "Staff Nurse", "Clinical Nurse"],
      ["Senior Registered Nurse", "Charge Nurse", "Clinical Nurse Lead", "Registered Nurse"],
      ["Charge Nurse", "Nurse Manager", "Clinical Nurse Lead", "Senior Registered Nurse", "Clinical Nurse Educator"],
      ["Director of Nursing", "Chief Nursing Officer", "Nurse Manager"],
    ),
  },
  {
    id: "pharmacy",
    fields: ["pharmacy"],
    match: /\b(pharmac\w*)\b/i,
    ladder: L(
      ["Pharmacy Intern", "Pharmacy Assistant", "Pharmacy Technician Trainee"],
      ["Pharmacy Technician", "Pharmacy Assistant", "Staff Pharmacist"],
      ["Pharmacist", "Staff Pharmacist", "Clinical Pharmacist"],
      ["Senior Pharmacist", "Clinical Pharmacist", "Lead Pharmacist"],
      ["Pharmacy Manager", "Lead Pharmacist", "Pharmacy Operations Manager"],
      ["Director of Pharmacy", "Head of Pharmacy", "Pharmacy Manager"],
    ),
  },
  {
    id: "care",
    fields: ["healthcare"],
    match: /\b(caregiver|care assistant|medical assistant|healthcare assistant|physio|therapist|clinical)\b/i,
    ladder: L(
      ["Healthcare Assistant", "Medical Receptionist", "Care Assistant"],
      ["Healthcare Assistant", "Medical Assistant", "Patient Care Technician"],
      ["Medical Assistant", "Clinical Coordinator", "Patient Care Coordinator"],
      ["Senior Clinical Coordinator", "Clinical Team Lead", "Patient Services Supervisor"],
      ["Clinic Manager", "Clinical Operations Manager", "Patient Services Manager"],
      ["Director of Clinical Operations", "Head of Patient Services", "Clinic Director"],
    ),
  },
  {
    id: "software",
    fields: ["software"],
    match: /\b(software|developer|programmer|engineer(ing)?|computer science|devops|frontend|backend|full[- ]?stack|web)\b/i,
    ladder: L(
      ["Software Engineer Intern", "Junior Software Engineer", "Graduate Software Developer", "Junior Web Developer"],
      ["Junior Software Engineer", "Software Engineer", "Associate Software Engineer", "Junior Full Stack Developer"],
      ["Software Engineer", "Backend Engineer", "Full Stack Engineer", "Frontend Engineer"],
      ["Senior Software Engineer", "Senior Backend Engineer", "Senior Full Stack Engineer", "Staff Software Engineer"],
      ["Lead Software Engineer", "Engineering Manager", "Staff Software Engineer", "Principal Engineer", "Tech Lead"],
      ["CTO", "VP of Engineering", "Head of Engineering", "Engineering Director", "Technical Co-Founder"],
    ),
    bySkill: [
      { skills: ["Python", "Java", "Go", "Node.js", "FastAPI", "Django", "Spring Boot", "PostgreSQL", "Microservices"], junior: "Junior Backend Developer", mid: "Backend Engineer", senior: "Senior Backend Engineer" },
      { skills: ["React", "Vue.js", "Angular", "Next.js", "HTML", "CSS"], junior: "Junior Frontend Developer", mid: "Frontend Engineer", senior: "Senior Frontend Engineer" },
      { skills: ["Docker", "Kubernetes", "Terraform", "AWS", "CI/CD"], junior: "Junior DevOps Engineer", mid: "DevOps Engineer", senior: "Senior Platform Engineer" },
      { skills: ["iOS Development", "Android Development", "React Native", "Swift", "Kotlin"], junior: "Junior Mobile Developer", mid: "Mobile Engineer", senior: "Senior Mobile Engineer" },
    ],
  },
  {
    id: "data",
    fields: ["data"],
    match: /\b(data|machine learning|analytics|statistic\w*|ml)\b/i,
    ladder: L(
      ["Data Analyst Intern", "Junior Data Analyst", "Graduate Data Scientist"],
      ["Junior Data Analyst", "Data Analyst", "Junior Data Scientist"],
      ["Data Analyst", "Data Scientist", "Analytics Engineer", "Machine Learning Engineer"],
      ["Senior Data Scientist", "Senior Data Analyst", "Senior Machine Learning Engineer"],
      ["Lead Data Scientist", "Data Science Manager", "Head of Analytics"],
      ["Chief Data Officer", "VP of Data", "Director of Data Science"],
    ),
  },
  {
    id: "design",
    fields: ["design"],
    match: /\b(design\w*|ux|ui)\b/i,
    ladder: L(
      ["Design Intern", "Junior UX Designer", "Junior Graphic Designer"],
      ["Junior Product Designer", "UX Designer", "UI Designer", "Graphic Designer"],
      ["Product Designer", "UX Designer", "UI/UX Designer"],
      ["Senior Product Designer", "Senior UX Designer", "Lead Designer"],
      ["Design Lead", "Design Manager", "Principal Designer"],
      ["Head of Design", "Design Director", "VP of Design"],
    ),
  },
  {
    id: "product",
    fields: ["product"],
    match: /\b(product (manager|owner|management))\b/i,
    ladder: L(
      ["Product Management Intern", "Associate Product Manager", "Product Analyst"],
      ["Associate Product Manager", "Product Analyst", "Product Owner"],
      ["Product Manager", "Product Owner", "Technical Product Manager"],
      ["Senior Product Manager", "Senior Product Owner", "Group Product Manager"],
      ["Lead Product Manager", "Group Product Manager", "Principal Product Manager"],
      ["Head of Product", "VP of Product", "Chief Product Officer"],
    ),
  },
  {
    id: "accounting",
    fields: ["accounting"],
    match: /\b(account(ant|ing)|bookkeep\w*|audit\w*|payroll|tax)\b/i,
    ladder: L(
      ["Accounting Intern", "Accounts Assistant", "Junior Bookkeeper"],
      ["Junior Accountant", "Accounts Payable Clerk", "Bookkeeper", "Staff Accountant"],
      ["Accountant", "Staff Accountant", "Senior Bookkeeper", "Financial Accountant"],
      ["Senior Accountant", "Senior Financial Accountant", "Accounting Supervisor"],
      ["Accounting Manager", "Financial Controller", "Finance Manager"],
      ["Finance Director", "CFO", "Head of Finance"],
    ),
  },
  {
    id: "finance",
    fields: ["finance"],
    match: /\b(financ\w*|investment|fp&a|treasury|banking|economics)\b/i,
    ladder: L(
      ["Finance Intern", "Junior Financial Analyst", "Graduate Analyst"],
      ["Junior Financial Analyst", "Financial Analyst", "Finance Associate"],
      ["Financial Analyst", "FP&A Analyst", "Investment Analyst"],
      ["Senior Financial Analyst", "Senior FP&A Analyst", "Finance Business Partner"],
      ["FP&A Manager", "Finance Manager", "Head of FP&A"],
      ["CFO", "Finance Director", "VP of Finance"],
    ),
  },
  {
    id: "sales",
    fields: ["sales"],
    match: /\b(sales|account executive|business development|sdr|bdr)\b/i,
    ladder: L(
      ["Sales Intern", "Sales Associate", "Sales Development Representative"],
      ["Sales Development Representative", "Business Development Representative", "Inside Sales Representative"],
      ["Account Executive", "Account Manager", "Sales Representative"],
      ["Senior Account Executive", "Key Account Manager", "Enterprise Account Executive"],
      ["Sales Manager", "Sales Team Lead", "Regional Sales Manager"],
      ["VP of Sales", "Head of Sales", "Sales Director"],
    ),
  },
  {
    id: "marketing",
    fields: ["marketing"],
    match: /\b(marketing|seo|content|brand|communications|social media)\b/i,
    ladder: L(
      ["Marketing Intern", "Marketing Assistant", "Social Media Assistant"],
      ["Marketing Coordinator", "Marketing Assistant", "Social Media Coordinator", "Content Writer"],
      ["Marketing Specialist", "Digital Marketing Specialist", "Content Marketing Manager", "SEO Specialist"],
      ["Senior Marketing Manager", "Senior Digital Marketing Specialist", "Growth Marketing Manager"],
      ["Marketing Manager", "Head of Content", "Marketing Team Lead"],
      ["Director of Marketing", "VP of Marketing", "CMO"],
    ),
  },
  {
    id: "customer-service",
    fields: ["customer-service"],
    match: /\b(customer (service|support|success|care)|call cent(er|re)|support agent|help ?desk)\b/i,
    ladder: L(
      ["Customer Service Representative", "Customer Support Assistant", "Call Centre Agent"],
      ["Customer Service Representative", "Customer Support Agent", "Help Desk Technician"],
      ["Customer Success Specialist", "Customer Support Specialist", "Technical Support Specialist"],
      ["Senior Customer Success Manager", "Senior Support Specialist", "Customer Support Team Lead"],
      ["Customer Support Manager", "Customer Success Manager", "Support Team Lead"],
      ["Head of Customer Success", "Director of Customer Support", "VP of Customer Experience"],
    ),
  },
  {
    id: "hr",
    fields: ["hr"],
    match: /\b(hr|human resources|recruit\w*|talent|people operations|psychology)\b/i,
    ladder: L(
      ["HR Intern", "HR Assistant", "Recruiting Coordinator"],
      ["HR Assistant", "Recruiting Coordinator", "HR Coordinator"],
      ["HR Generalist", "Recruiter", "Talent Acquisition Specialist"],
      ["Senior HR Business Partner", "Senior Recruiter", "HR Business Partner"],
      ["HR Manager", "Talent Acquisition Manager", "People Operations Manager"],
      ["Head of People", "HR Director", "Chief People Officer"],
    ),
  },
  {
    id: "education",
    fields: ["education"],
    match: /\b(teach\w*|tutor|education|instructor|lecturer|pgce|school)\b/i,
    ladder: L(
      ["Teaching Assistant", "Tutor", "After-School Program Assistant"],
      ["Teaching Assistant", "Tutor", "Newly Qualified Teacher"],
      ["Teacher", "Classroom Teacher", "Instructional Coordinator"],
      ["Senior Teacher", "Lead Teacher", "Curriculum Specialist"],
      ["Head of Department", "Assistant Principal", "Curriculum Lead"],
      ["Principal", "Head Teacher", "Director of Education"],
    ),
  },
  {
    id: "legal",
    fields: ["legal"],
    match: /\b(legal|law|paralegal|attorney|lawyer|solicitor|counsel|compliance)\b/i,
    ladder: L(
      ["Legal Intern", "Legal Assistant", "Law Clerk"],
      ["Paralegal", "Legal Assistant", "Junior Associate"],
      ["Associate Attorney", "Paralegal", "Compliance Analyst"],
      ["Senior Associate", "Senior Paralegal", "Senior Compliance Officer"],
      ["Legal Manager", "Senior Counsel", "Compliance Manager"],
      ["General Counsel", "Head of Legal", "Chief Compliance Officer"],
    ),
  },
  {
    id: "trades",
    fields: ["trades"],
    match: /\b(electric\w*|weld\w*|plumb\w*|carpent\w*|hvac|technician|mechanic|apprentice|maintenance)\b/i,
    ladder: L(
      ["Apprentice Electrician", "Trainee Technician", "General Labourer"],
      ["Apprentice Electrician", "Welder", "Maintenance Technician"],
      ["Electrician", "Welder", "Maintenance Technician", "HVAC Technician"],
      ["Senior Electrician", "Journeyman Electrician", "Senior Maintenance Technician"],
      ["Site Supervisor", "Maintenance Supervisor", "Foreman"],
      ["Construction Manager", "Head of Maintenance", "Operations Director"],
    ),
  },
  {
    id: "hospitality",
    fields: ["hospitality"],
    match: /\b(hotel|restaurant|chef|cook|barista|bartender|server|hospitality|front desk|kitchen)\b/i,
    ladder: L(
      ["Front Desk Assistant", "Barista", "Server"],
      ["Front Desk Agent", "Line Cook", "Barista", "Server"],
      ["Front Office Supervisor", "Sous Chef", "Restaurant Supervisor"],
      ["Assistant Restaurant Manager", "Head Chef", "Front Office Manager"],
      ["Restaurant Manager", "Hotel Operations Manager", "Executive Chef"],
      ["General Manager", "Director of Operations (Hospitality)", "Hotel Manager"],
    ),
  },
  {
    id: "logistics",
    fields: ["logistics"],
    match: /\b(logistic\w*|warehouse|supply chain|forklift|driver|dispatch\w*|inventory|procurement)\b/i,
    ladder: L(
      ["Warehouse Associate", "Logistics Intern", "Inventory Assistant"],
      ["Warehouse Associate", "Forklift Operator", "Logistics Coordinator"],
      ["Logistics Coordinator", "Supply Chain Analyst", "Inventory Controller"],
      ["Senior Supply Chain Analyst", "Warehouse Supervisor", "Senior Logistics Coordinator"],
      ["Warehouse Manager", "Logistics Manager", "Supply Chain Manager"],
      ["Head of Supply Chain", "Director of Logistics", "VP of Operations"],
    ),
  },
  {
    id: "operations",
    fields: ["operations"],
    match: /\b(operations|project manag\w*|program manag\w*|quality|process)\b/i,
    ladder: L(
      ["Operations Intern", "Operations Assistant", "Project Coordinator"],
      ["Operations Assistant", "Project Coordinator", "Operations Coordinator"],
      ["Operations Analyst", "Project Manager", "Operations Specialist"],
      ["Senior Project Manager", "Senior Operations Manager", "Program Manager"],
      ["Operations Manager", "Program Manager", "Head of Operations"],
      ["COO", "VP of Operations", "Director of Operations"],
    ),
  },
  {
    id: "engineering",
    fields: ["engineering"],
    match: /\b(mechanical|civil|electrical engineer\w*|manufacturing|structural|cad)\b/i,
    ladder: L(
      ["Engineering Intern", "Graduate Engineer", "CAD Technician"],
      ["Graduate Engineer", "Junior Mechanical Engineer", "Design Engineer"],
      ["Mechanical Engineer", "Design Engineer", "Manufacturing Engineer"],
      ["Senior Mechanical Engineer", "Senior Design Engineer", "Project Engineer"],
      ["Engineering Manager", "Lead Engineer", "Principal Engineer"],
      ["Director of Engineering", "Head of Engineering", "VP of Engineering"],
    ),
  },
  {
    id: "business",
    fields: ["administration", "operations"],
    match: /\b(business|administration|administrative|office|commerce|management|admin|receptionist|secretary)\b/i,
    ladder: L(
      ["Administrative Assistant", "Business Analyst Intern", "Office Assistant", "Customer Service Representative", "Marketing Assistant"],
      ["Administrative Assistant", "Office Coordinator", "Junior Business Analyst", "Operations Assistant"],
      ["Office Manager", "Business Analyst", "Executive Assistant", "Operations Coordinator"],
      ["Senior Business Analyst", "Office Manager", "Senior Executive Assistant"],
      ["Operations Manager", "Office Manager", "Business Operations Lead"],
      ["Director of Operations", "Chief of Staff", "General Manager"],
    ),
  },
];

const GENERIC: Ladder = L(
  ["Administrative Assistant", "Customer Service Representative", "Office Assistant", "Sales Associate"],
  ["Administrative Assistant", "Customer Service Representative", "Operations Assistant"],
  ["Operations Coordinator", "Project Coordinator", "Customer Success Specialist"],
  ["Project Manager", "Operations Manager", "Senior Coordinator"],
  ["Operations Manager", "Team Lead", "Program Manager"],
  ["Director of Operations", "General Manager", "Head of Operations"],
);

const ORDER: Seniority[] = ["student", "junior", "mid", "senior", "lead", "executive"];

const scoreFamily = (f: Family, p: ExtractedProfile): number => {
  let s = 0;
  p.experience.forEach((w, i) => {
    if (f.match.test(w.title)) s += i === 0 ? 4 : 1.5;
  });
  if (p.headline && f.match.test(p.headline)) s += 2;
  for (const e of p.education) if (f.match.test(`${e.field ?? ""} ${e.degree ?? ""}`)) s += p.experience.length === 0 ? 3 : 1;
  p.fields.forEach((field, i) => {
    if (f.fields.includes(field)) s += Math.max(0.5, 3 - i);
  });
  return s;
};

const push = (out: string[], t: string): void => {
  if (!out.some((x) => x.toLowerCase() === t.toLowerCase())) out.push(t);
};

/** 3–5 job titles that fit the profile's field and seniority (never fewer than 3). */
export const suggestTitles = (profile: ExtractedProfile): string[] => {
  const ranked = FAMILIES.map((f) => ({ f, s: scoreFamily(f, profile) }))
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s);
  const level = profile.seniority;
  const out: string[] = [];
  const top = ranked[0]?.f;
  if (top) {
    const ladder = top.ladder[level];
    const skillTitles: string[] = [];
    if (top.bySkill && level !== "executive" && level !== "lead") {
      const have = new Set(profile.skills);
      const pickLevel = (b: { junior: string; mid: string; senior: string }): string =>
        level === "student" || level === "junior" ? b.junior : level === "mid" ? b.mid : b.senior;
      const hits = top.bySkill.map((b) => ({ b, n: b.skills.filter((s) => have.has(s)).length }));
      const [backend, frontend, ...others] = hits;
      if (backend && backend.n >= 2) skillTitles.push(pickLevel(backend.b));
      if (backend && frontend && backend.n >= 2 && frontend.n >= 1 && level !== "student") {
        skillTitles.push(pickLevel({ junior: "Junior Full Stack Developer", mid: "Full Stack Engineer", senior: "Senior Full Stack Engineer" }));
      }
      if (frontend && frontend.n >= 2) skillTitles.push(pickLevel(frontend.b));
      for (const o of others) if (o.n >= 2) skillTitles.push(pickLevel(o.b));
    }
    push(out, ladder[0] ?? "");
    for (const t of skillTitles) push(out, t);
    for (const t of ladder.slice(1)) push(out, t);
    // the person's own current title is often a good search too, when it fits the level
    const current = profile.experience[0]?.title;
    if (current && top.match.test(current) && current.length <= 40 && !/[/|]/.test(current) && out.length < 5) push(out, current);
  }
  const second = ranked[1]?.f;
  if (out.length < 3 && second) for (const t of second.ladder[level]) push(out, t);
  const idx = ORDER.indexOf(level);
  for (const t of GENERIC[ORDER[idx] ?? "mid"]) if (out.length < 3) push(out, t);
  return out.filter(Boolean).slice(0, 5);
};
