import type { JobPosting, Salary } from "../schemas.js";

/**
 * The offline sample corpus: a deterministic generator of realistic job
 * postings across many occupations, cities and countries. Same seed, same
 * postings — no clock, no Math.random.
 */

export const CORPUS_BASE_DATE = "2026-11-01T09:00:00.000Z";

/** mulberry32: a small seeded PRNG. */
export const createRng = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
const pickN = <T>(rng: Rng, items: readonly T[], n: number): T[] => {
  const copy = [...items];
  const out: T[] = [];
  while (out.length < n && copy.length > 0) out.push(copy.splice(Math.floor(rng() * copy.length), 1)[0] as T);
  return out;
};

type Level = "junior" | "mid" | "senior" | "lead";

interface Occupation {
  key: string;
  field: string;
  industry: Industry;
  titles: Record<Level, string[]>;
  team: string;
  required: string[];
  niceToHave: string[];
  duties: string[];
  credentials?: string[];
  /** Share of extra remote postings (0 = never remote). */
  remote: number;
  /** Yearly base salary in USD for a mid-level role, or hourly when `hourly`. */
  pay: number;
  hourly?: boolean;
}

type Industry =
  | "software"
  | "healthcare"
  | "pharmacy"
  | "finance"
  | "accounting"
  | "retail"
  | "logistics"
  | "education"
  | "legal"
  | "construction"
  | "manufacturing"
  | "hospitality"
  | "marketing"
  | "services";

interface City {
  city: string;
  region: string | null;
  country: string;
  currency: string;
  /** Salary multiplier relative to USD base, in local currency. */
  factor: number;
}

const CITIES: City[] = [
  { city: "New York", region: "NY", country: "United States", currency: "USD", factor: 1.2 },
  { city: "San Francisco", region: "CA", country: "United States", currency: "USD", factor: 1.3 },
  { city: "Austin", region: "TX", country: "United States", currency: "USD", factor: 1.0 },
  { city: "Chicago", region: "IL", country: "United States", currency: "USD", factor: 1.05 },
  { city: "Seattle", region: "WA", country: "United States", currency: "USD", factor: 1.2 },
  { city: "Boston", region: "MA", country: "United States", currency: "USD", factor: 1.15 },
  { city: "Los Angeles", region: "CA", country: "United States", currency: "USD", factor: 1.15 },
  { city: "Denver", region: "CO", country: "United States", currency: "USD", factor: 1.0 },
  { city: "Atlanta", region: "GA", country: "United States", currency: "USD", factor: 0.95 },
  { city: "Toronto", region: "ON", country: "Canada", currency: "CAD", factor: 1.1 },
  { city: "Vancouver", region: "BC", country: "Canada", currency: "CAD", factor: 1.1 },
  { city: "Montreal", region: "QC", country: "Canada", currency: "CAD", factor: 1.0 },
  { city: "Calgary", region: "AB", country: "Canada", currency: "CAD", factor: 1.05 },
  { city: "London", region: null, country: "United Kingdom", currency: "GBP", factor: 0.75 },
  { city: "Manchester", region: null, country: "United Kingdom", currency: "GBP", factor: 0.62 },
  { city: "Edinburgh", region: null, country: "United Kingdom", currency: "GBP", factor: 0.62 },
  { city: "Dublin", region: null, country: "Ireland", currency: "EUR", factor: 0.85 },
  { city: "Berlin", region: null, country: "Germany", currency: "EUR", factor: 0.75 },
  { city: "Munich", region: null, country: "Germany", currency: "EUR", factor: 0.85 },
  { city: "Hamburg", region: null, country: "Germany", currency: "EUR", factor: 0.75 },
  { city: "Amsterdam", region: null, country: "Netherlands", currency: "EUR", factor: 0.8 },
  { city: "Paris", region: null, country: "France", currency: "EUR", factor: 0.7 },
  { city: "Madrid", region: null, country: "Spain", currency: "EUR", factor: 0.55 },
  { city: "Sydney", region: "NSW", country: "Australia", currency: "AUD", factor: 1.35 },
  { city: "Melbourne", region: "VIC", country: "Australia", currency: "AUD", factor: 1.3 },
  { city: "Auckland", region: null, country: "New Zealand", currency: "NZD", factor: 1.3 },
];

const MAJOR_CITIES = new Set(["New York", "San Francisco", "London", "Toronto", "Vancouver", "Berlin", "Sydney"]);

const REMOTE_AREAS = [
  { label: "Remote (United States)", currency: "USD", factor: 1.1 },
  { label: "Remote (Canada)", currency: "CAD", factor: 1.1 },
  { label: "Remote (Europe)", currency: "EUR", factor: 0.75 },
  { label: "Remote (United Kingdom)", currency: "GBP", factor: 0.7 },
  { label: "Remote", currency: "USD", factor: 1.0 },
];

const cityLabel = (c: City): string => [c.city, c.region, c.country].filter(Boolean).join(", ");

const TITLES = (junior: string[], mid: string[], senior: string[], lead: string[]): Record<Level, string[]> => ({ junior, mid, senior, lead });

const OCCUPATIONS: Occupation[] = [
  {
    key: "software-engineer", field: "software", industry: "software", team: "engineering",
    titles: TITLES(["Junior Software Engineer", "Associate Software Engineer"], ["Software Engineer", "Backend Engineer", "Full Stack Engineer"], ["Senior Software Engineer", "Senior Backend Engineer"], ["Lead Software Engineer", "Staff Software Engineer", "Engineering Manager"]),
    required: ["Python", "TypeScript", "Node.js", "PostgreSQL", "REST APIs", "Git", "Java", "Go", "React", "Docker", "AWS", "Microservices"],
    niceToHave: ["Kubernetes", "GraphQL", "Redis", "Kafka", "CI/CD", "Terraform", "System Design"],
    duties: ["Design, build and operate the services behind our product", "Write well-tested code and review the code of your teammates", "Work with product and design to ship features our customers use every day", "Improve reliability, performance and observability of production systems", "Take part in an on-call rotation shared fairly across the team"],
    remote: 0.5, pay: 135_000,
  },
  {
    key: "frontend-developer", field: "software", industry: "software", team: "web",
    titles: TITLES(["Junior Frontend Developer"], ["Frontend Developer", "Frontend Engineer"], ["Senior Frontend Engineer"], ["Lead Frontend Engineer"]),
    required: ["JavaScript", "TypeScript", "React", "HTML", "CSS", "Web Accessibility", "Git"],
    niceToHave: ["Next.js", "GraphQL", "Figma", "Unit Testing", "Tailwind CSS", "Vue.js"],
    duties: ["Build fast, accessible interfaces in React and TypeScript", "Turn designs from Figma into polished, responsive pages", "Own the quality of the front end: tests, performance budgets and accessibility", "Collaborate closely with designers and backend engineers"],
    remote: 0.6, pay: 120_000,
  },
  {
    key: "devops-engineer", field: "software", industry: "software", team: "platform",
    titles: TITLES(["Junior DevOps Engineer"], ["DevOps Engineer", "Site Reliability Engineer", "Platform Engineer"], ["Senior DevOps Engineer", "Senior Site Reliability Engineer"], ["Lead Platform Engineer"]),
    required: ["Kubernetes", "Docker", "Terraform", "AWS", "CI/CD", "Linux", "Observability"],
    niceToHave: ["Go", "Python", "Ansible", "Google Cloud", "Azure", "Bash"],
    duties: ["Run and evolve our Kubernetes platform and cloud infrastructure", "Automate deployments with CI/CD pipelines and infrastructure as code", "Define service level objectives and improve monitoring and alerting", "Help product teams ship safely and often"],
    remote: 0.6, pay: 140_000,
  },
  {
    key: "data-analyst", field: "data", industry: "software", team: "analytics",
    titles: TITLES(["Junior Data Analyst"], ["Data Analyst", "Business Intelligence Analyst"], ["Senior Data Analyst"], ["Analytics Lead"]),
    required: ["SQL", "Microsoft Excel", "Data Analysis", "Data Visualization", "Tableau", "Power BI", "Statistics"],
    niceToHave: ["Python", "dbt", "Looker", "A/B Testing", "BigQuery"],
    duties: ["Turn raw data into clear dashboards and recommendations", "Partner with business teams to define and track key metrics", "Write efficient SQL against our data warehouse", "Present findings to stakeholders in plain language"],
    remote: 0.4, pay: 90_000,
  },
  {
    key: "data-scientist", field: "data", industry: "software", team: "data science",
    titles: TITLES(["Junior Data Scientist"], ["Data Scientist", "Machine Learning Engineer"], ["Senior Data Scientist", "Senior Machine Learning Engineer"], ["Lead Data Scientist"]),
    required: ["Python", "Machine Learning", "Statistics", "SQL", "pandas", "scikit-learn"],
    niceToHave: ["PyTorch", "TensorFlow", "Apache Spark", "Natural Language Processing", "Large Language Models", "Airflow"],
    duties: ["Build and evaluate models that power product features", "Design experiments and analyse their results", "Take models from notebook to production with our engineers", "Communicate trade-offs and results to non-technical colleagues"],
    remote: 0.5, pay: 140_000,
  },
  {
    key: "product-manager", field: "product", industry: "software", team: "product",
    titles: TITLES(["Associate Product Manager"], ["Product Manager", "Product Owner"], ["Senior Product Manager"], ["Group Product Manager", "Head of Product"]),
    required: ["Product Management", "Product Roadmaps", "Stakeholder Management", "User Research", "Agile", "Data Analysis"],
    niceToHave: ["SQL", "A/B Testing", "Jira", "OKRs", "Product Analytics"],
    duties: ["Own the roadmap for one of our core product areas", "Talk to customers every week and turn what you learn into clear priorities", "Write crisp user stories and work daily with engineering and design", "Measure outcomes and iterate"],
    remote: 0.4, pay: 140_000,
  },
  {
    key: "ux-designer", field: "design", industry: "software", team: "design",
    titles: TITLES(["Junior UX Designer"], ["UX Designer", "Product Designer", "UI/UX Designer"], ["Senior Product Designer"], ["Design Lead"]),
    required: ["Figma", "UX Design", "UI Design", "User Research", "Prototyping", "Wireframing"],
    niceToHave: ["Design Systems", "Web Accessibility", "Interaction Design", "HTML", "CSS"],
    duties: ["Design end-to-end experiences from research to polished UI", "Run usability testing and turn insights into improvements", "Contribute to and maintain our design system", "Work side by side with product managers and engineers"],
    remote: 0.5, pay: 110_000,
  },
  {
    key: "registered-nurse", field: "healthcare", industry: "healthcare", team: "nursing",
    titles: TITLES(["Registered Nurse - New Graduate", "Registered Nurse (Entry Level)"], ["Registered Nurse", "Registered Nurse - Medical-Surgical", "Staff Nurse"], ["Senior Registered Nurse", "Charge Nurse"], ["Nurse Manager", "Clinical Nurse Lead"]),
    required: ["Registered Nurse", "Patient Care", "Patient Assessment", "Medication Administration", "Electronic Health Records (EHR)", "Basic Life Support (BLS)"],
    niceToHave: ["Advanced Cardiovascular Life Support (ACLS)", "Wound Care", "Medical-Surgical Nursing", "Epic", "Cerner", "Care Planning", "Telemetry", "Critical Care"],
    duties: ["Provide safe, compassionate care to adult patients on a busy unit", "Assess patients, administer medications and document care in the EHR", "Coordinate with physicians, allied health and families on care plans", "Educate patients and families before discharge"],
    credentials: ["Current Registered Nurse (RN) licence in good standing", "Basic Life Support (BLS) certification; ACLS preferred"],
    remote: 0, pay: 42, hourly: true,
  },
  {
    key: "practical-nurse", field: "healthcare", industry: "healthcare", team: "patient care",
    titles: TITLES(["Healthcare Assistant", "Nursing Assistant"], ["Licensed Practical Nurse", "Medical Assistant"], ["Senior Licensed Practical Nurse"], ["Care Team Lead"]),
    required: ["Patient Care", "Vital Signs", "Personal Care", "Infection Control", "CPR", "Clinical Documentation"],
    niceToHave: ["Dementia Care", "Geriatrics", "Medication Administration", "Electronic Health Records (EHR)"],
    duties: ["Support residents and patients with daily living activities", "Take and record vital signs and report changes promptly", "Follow infection control practice on every shift", "Work as part of a friendly multidisciplinary care team"],
    remote: 0, pay: 26, hourly: true,
  },
  {
    key: "pharmacist", field: "pharmacy", industry: "pharmacy", team: "pharmacy",
    titles: TITLES(["Pharmacist (Newly Qualified)"], ["Pharmacist", "Staff Pharmacist", "Clinical Pharmacist"], ["Senior Pharmacist"], ["Pharmacy Manager"]),
    required: ["Pharmacology", "Prescription Verification", "Dispensing", "Drug Interactions", "Patient Education"],
    niceToHave: ["Immunizations", "Clinical Pharmacy", "Compounding", "Inventory Control"],
    duties: ["Verify prescriptions and counsel patients on their medicines", "Check for drug interactions and work with prescribers to resolve issues", "Give immunizations and run medication reviews", "Supervise technicians and keep the pharmacy compliant"],
    credentials: ["Licensed pharmacist (PharmD or equivalent) in this jurisdiction"],
    remote: 0, pay: 125_000,
  },
  {
    key: "pharmacy-technician", field: "pharmacy", industry: "pharmacy", team: "pharmacy",
    titles: TITLES(["Pharmacy Assistant", "Trainee Pharmacy Technician"], ["Pharmacy Technician"], ["Senior Pharmacy Technician"], ["Lead Pharmacy Technician"]),
    required: ["Dispensing", "Pharmacy Technician", "Inventory Control", "Customer Service", "Attention to Detail"],
    niceToHave: ["Compounding", "Medical Terminology", "Point of Sale"],
    duties: ["Prepare and label prescriptions accurately", "Manage stock levels and receive deliveries", "Serve customers at the counter and answer their questions", "Keep records accurate and the dispensary tidy"],
    remote: 0, pay: 21, hourly: true,
  },
  {
    key: "accountant", field: "accounting", industry: "accounting", team: "finance",
    titles: TITLES(["Junior Accountant", "Accounts Assistant"], ["Accountant", "Staff Accountant", "Financial Accountant"], ["Senior Accountant"], ["Accounting Manager", "Financial Controller"]),
    required: ["General Ledger", "Month-End Close", "Reconciliation", "Financial Reporting", "Microsoft Excel", "GAAP"],
    niceToHave: ["IFRS", "NetSuite", "QuickBooks", "Xero", "Tax Preparation", "Auditing", "SAP"],
    duties: ["Own parts of the month-end close and prepare journal entries", "Reconcile balance sheet accounts and investigate differences", "Prepare management accounts and financial statements", "Support the annual audit and tax filings"],
    credentials: ["CPA, ACCA, ACA or CIMA qualified or studying towards it"],
    remote: 0.2, pay: 80_000,
  },
  {
    key: "bookkeeper", field: "accounting", industry: "accounting", team: "finance",
    titles: TITLES(["Junior Bookkeeper", "Accounts Payable Clerk"], ["Bookkeeper", "Accounts Payable Specialist"], ["Senior Bookkeeper"], ["Finance Office Supervisor"]),
    required: ["Bookkeeping", "Accounts Payable", "Accounts Receivable", "QuickBooks", "Reconciliation", "Invoicing"],
    niceToHave: ["Xero", "Payroll", "Microsoft Excel", "Sage"],
    duties: ["Process supplier invoices and customer payments", "Reconcile bank accounts weekly", "Run payroll for a small team", "Keep tidy, audit-ready records"],
    remote: 0.3, pay: 55_000,
  },
  {
    key: "financial-analyst", field: "finance", industry: "finance", team: "FP&A",
    titles: TITLES(["Junior Financial Analyst", "Graduate Analyst"], ["Financial Analyst", "FP&A Analyst"], ["Senior Financial Analyst"], ["FP&A Manager"]),
    required: ["Financial Modeling", "Forecasting", "Budgeting", "Microsoft Excel", "Variance Analysis", "FP&A"],
    niceToHave: ["SQL", "Power BI", "Valuation", "NetSuite", "Corporate Finance"],
    duties: ["Build the annual budget and rolling forecasts", "Explain variances to business leaders", "Model scenarios for pricing, hiring and investment decisions", "Automate reporting so we spend more time on analysis"],
    remote: 0.3, pay: 95_000,
  },
  {
    key: "sales-representative", field: "sales", industry: "software", team: "sales",
    titles: TITLES(["Sales Development Representative", "Business Development Representative"], ["Account Executive", "Sales Representative"], ["Senior Account Executive", "Enterprise Account Executive"], ["Sales Manager"]),
    required: ["B2B Sales", "Lead Generation", "Salesforce", "Negotiation", "Sales Pipeline", "Communication"],
    niceToHave: ["Solution Selling", "HubSpot", "Cold Calling", "Product Demos", "Account Management"],
    duties: ["Own a pipeline from first conversation to signed contract", "Run discovery calls and tailored product demos", "Keep Salesforce accurate and forecast reliably", "Work with customer success on smooth hand-overs"],
    remote: 0.4, pay: 85_000,
  },
  {
    key: "retail-sales", field: "sales", industry: "retail", team: "store",
    titles: TITLES(["Sales Associate", "Retail Assistant"], ["Retail Sales Associate", "Key Holder"], ["Senior Sales Associate", "Assistant Store Manager"], ["Store Manager"]),
    required: ["Customer Service", "Point of Sale", "B2C Sales", "Upselling", "Communication"],
    niceToHave: ["Inventory Management", "Teamwork", "Complaint Resolution"],
    duties: ["Welcome customers and help them find what they need", "Process sales and returns at the till", "Keep the shop floor stocked and presentable", "Hit store sales targets as a team"],
    remote: 0, pay: 17, hourly: true,
  },
  {
    key: "marketing-specialist", field: "marketing", industry: "marketing", team: "marketing",
    titles: TITLES(["Marketing Coordinator", "Marketing Assistant"], ["Digital Marketing Specialist", "Marketing Specialist", "Content Marketing Manager"], ["Senior Marketing Manager", "Growth Marketing Manager"], ["Head of Marketing"]),
    required: ["Digital Marketing", "SEO", "Content Marketing", "Google Analytics", "Email Marketing", "Social Media Marketing"],
    niceToHave: ["Google Ads", "HubSpot", "Copywriting", "Marketing Automation", "A/B Testing"],
    duties: ["Plan and run multi-channel campaigns", "Grow organic traffic through SEO and content", "Report on campaign performance and budget", "Work with sales on lead generation"],
    remote: 0.5, pay: 80_000,
  },
  {
    key: "customer-service", field: "customer-service", industry: "services", team: "customer support",
    titles: TITLES(["Customer Service Representative", "Customer Support Agent"], ["Customer Support Specialist", "Customer Success Specialist"], ["Senior Customer Support Specialist"], ["Customer Support Team Lead"]),
    required: ["Customer Service", "Communication", "Complaint Resolution", "Ticketing Systems", "Zendesk", "Live Chat"],
    niceToHave: ["Salesforce", "Technical Support", "Net Promoter Score"],
    duties: ["Help customers by phone, email and chat", "Resolve issues on first contact whenever possible", "Log every interaction clearly in Zendesk", "Share customer feedback with product teams"],
    remote: 0.6, pay: 20, hourly: true,
  },
  {
    key: "hr-generalist", field: "hr", industry: "services", team: "people",
    titles: TITLES(["HR Assistant", "HR Coordinator", "Recruiting Coordinator"], ["HR Generalist", "Recruiter", "Talent Acquisition Specialist"], ["Senior HR Business Partner", "Senior Recruiter"], ["HR Manager"]),
    required: ["Recruiting", "Onboarding", "Employee Relations", "HRIS", "Employment Law", "Interviewing"],
    niceToHave: ["Performance Management", "Compensation and Benefits", "Training and Development", "Diversity and Inclusion"],
    duties: ["Run full-cycle recruiting for several teams", "Own onboarding and make new starters feel welcome", "Advise managers on employee relations matters", "Keep HR records accurate and compliant"],
    remote: 0.3, pay: 75_000,
  },
  {
    key: "teacher", field: "education", industry: "education", team: "teaching",
    titles: TITLES(["Teaching Assistant", "Newly Qualified Teacher"], ["Teacher", "Elementary School Teacher", "Secondary School Teacher", "Mathematics Teacher"], ["Senior Teacher", "Lead Teacher"], ["Head of Department"]),
    required: ["Teaching", "Lesson Planning", "Classroom Management", "Student Assessment", "Communication"],
    niceToHave: ["Differentiated Instruction", "Special Education", "Curriculum Development", "E-Learning", "Parent Communication"],
    duties: ["Plan and deliver engaging lessons", "Assess progress and adapt teaching to each learner", "Keep parents informed and involved", "Contribute to school life beyond the classroom"],
    credentials: ["Teaching licence or qualified teacher status (QTS)"],
    remote: 0, pay: 62_000,
  },
  {
    key: "tutor", field: "education", industry: "education", team: "tutoring",
    titles: TITLES(["Tutor", "Swim Instructor"], ["Online Tutor", "ESL Teacher"], ["Senior Tutor"], ["Tutoring Program Lead"]),
    required: ["Tutoring", "Teaching", "Communication", "Lesson Planning"],
    niceToHave: ["ESL", "E-Learning", "Swim Instruction", "Parent Communication"],
    duties: ["Teach small groups and one-to-one sessions", "Track each learner's progress", "Communicate regularly with parents", "Prepare clear, fun materials"],
    remote: 0.4, pay: 25, hourly: true,
  },
  {
    key: "paralegal", field: "legal", industry: "legal", team: "legal",
    titles: TITLES(["Legal Assistant", "Junior Paralegal"], ["Paralegal", "Litigation Paralegal"], ["Senior Paralegal"], ["Paralegal Manager"]),
    required: ["Paralegal", "Legal Research", "Case Management", "Legal Writing", "E-Discovery"],
    niceToHave: ["Litigation", "Contract Drafting", "Compliance", "Microsoft Office"],
    duties: ["Prepare court filings and keep case files organised", "Research case law and summarise findings for attorneys", "Coordinate document review and discovery", "Track deadlines across several matters"],
    remote: 0.2, pay: 65_000,
  },
  {
    key: "lawyer", field: "legal", industry: "legal", team: "legal",
    titles: TITLES(["Junior Associate", "Trainee Solicitor"], ["Associate Attorney", "Solicitor", "Corporate Counsel"], ["Senior Associate", "Senior Counsel"], ["Legal Director", "Partner"]),
    required: ["Contract Drafting", "Legal Research", "Corporate Law", "Compliance", "Negotiation"],
    niceToHave: ["Data Protection", "Intellectual Property", "Litigation", "Employment Law Advice"],
    duties: ["Draft and negotiate commercial agreements", "Advise the business on regulatory and compliance questions", "Manage outside counsel on complex matters", "Build templates and playbooks that scale"],
    credentials: ["Admitted to the bar or qualified as a solicitor in this jurisdiction"],
    remote: 0.2, pay: 150_000,
  },
  {
    key: "electrician", field: "trades", industry: "construction", team: "electrical",
    titles: TITLES(["Apprentice Electrician"], ["Electrician", "Commercial Electrician", "Maintenance Electrician"], ["Journeyman Electrician", "Senior Electrician"], ["Electrical Foreman"]),
    required: ["Electrical Wiring", "Electrical Troubleshooting", "National Electrical Code", "Blueprint Reading", "Conduit Bending", "Health and Safety"],
    niceToHave: ["Motor Controls", "PLC Programming", "Solar Installation", "Lockout/Tagout"],
    duties: ["Install and maintain wiring, panels and lighting on commercial sites", "Diagnose and fix electrical faults safely", "Read blueprints and follow code on every job", "Mentor apprentices on site"],
    credentials: ["Journeyman or equivalent electrical licence (apprentices welcome for trainee roles)"],
    remote: 0, pay: 38, hourly: true,
  },
  {
    key: "welder", field: "trades", industry: "manufacturing", team: "fabrication",
    titles: TITLES(["Welder Apprentice", "Welder Helper"], ["Welder", "MIG Welder", "Welder Fabricator"], ["Senior Welder", "Certified Welder"], ["Welding Supervisor"]),
    required: ["Welding", "MIG Welding", "TIG Welding", "Blueprint Reading", "Metal Fabrication", "Health and Safety"],
    niceToHave: ["Stick Welding", "Machining", "Power Tools", "Forklift Operation"],
    duties: ["Weld steel and aluminium parts to drawing", "Set up and maintain welding equipment", "Inspect welds and fix defects", "Keep a safe, clean work area"],
    remote: 0, pay: 28, hourly: true,
  },
  {
    key: "hvac-technician", field: "trades", industry: "construction", team: "service",
    titles: TITLES(["HVAC Apprentice"], ["HVAC Technician", "Plumber", "Maintenance Technician"], ["Senior HVAC Technician"], ["Service Supervisor"]),
    required: ["HVAC", "Preventive Maintenance", "Electrical Troubleshooting", "Power Tools", "Customer Service"],
    niceToHave: ["Plumbing", "Blueprint Reading", "Health and Safety", "Commercial Driving"],
    duties: ["Install, service and repair heating and cooling systems", "Carry out preventive maintenance visits", "Explain repairs clearly to customers", "Keep your service van stocked and tidy"],
    remote: 0, pay: 32, hourly: true,
  },
  {
    key: "warehouse-associate", field: "logistics", industry: "logistics", team: "warehouse",
    titles: TITLES(["Warehouse Associate", "Picker Packer"], ["Forklift Operator", "Warehouse Operative"], ["Senior Warehouse Associate", "Inventory Lead"], ["Warehouse Supervisor"]),
    required: ["Warehouse Operations", "Forklift Operation", "Order Picking", "Shipping and Receiving", "Inventory Management", "Health and Safety"],
    niceToHave: ["RF Scanners", "Pallet Jack", "WMS", "Teamwork"],
    duties: ["Pick, pack and ship orders accurately", "Load and unload deliveries with forklifts and pallet jacks", "Keep inventory counts right", "Follow safety procedures on every shift"],
    remote: 0, pay: 19, hourly: true,
  },
  {
    key: "logistics-coordinator", field: "logistics", industry: "logistics", team: "logistics",
    titles: TITLES(["Logistics Assistant"], ["Logistics Coordinator", "Supply Chain Analyst", "Procurement Specialist"], ["Senior Supply Chain Analyst"], ["Logistics Manager", "Supply Chain Manager"]),
    required: ["Logistics Coordination", "Supply Chain Management", "Inventory Management", "Microsoft Excel", "Procurement", "Vendor Management"],
    niceToHave: ["SAP", "Demand Planning", "Freight", "ERP Systems", "Route Planning"],
    duties: ["Coordinate inbound and outbound shipments with carriers", "Track inventory and flag shortages early", "Negotiate rates with suppliers and freight partners", "Report on delivery performance"],
    remote: 0.2, pay: 62_000,
  },
  {
    key: "truck-driver", field: "logistics", industry: "logistics", team: "transport",
    titles: TITLES(["Delivery Driver"], ["Truck Driver", "CDL Class A Driver", "HGV Driver"], ["Senior Driver"], ["Transport Supervisor"]),
    required: ["Commercial Driving", "Route Planning", "Health and Safety", "Customer Service"],
    niceToHave: ["Forklift Operation", "Shipping and Receiving"],
    duties: ["Deliver goods safely and on time", "Inspect your vehicle before every trip", "Keep delivery paperwork accurate", "Represent us well with every customer"],
    credentials: ["Valid commercial driving licence (CDL / HGV) and a clean record"],
    remote: 0, pay: 27, hourly: true,
  },
  {
    key: "chef", field: "hospitality", industry: "hospitality", team: "kitchen",
    titles: TITLES(["Line Cook", "Commis Chef", "Kitchen Assistant"], ["Cook", "Chef de Partie", "Sous Chef"], ["Senior Sous Chef", "Head Chef"], ["Executive Chef", "Kitchen Manager"]),
    required: ["Food Preparation", "Food Safety", "Kitchen Management", "Teamwork"],
    niceToHave: ["Menu Planning", "Event Catering", "Inventory Control"],
    duties: ["Prepare dishes to our standards during busy services", "Keep the kitchen clean, safe and compliant", "Help develop seasonal menus", "Train and support junior kitchen staff"],
    remote: 0, pay: 22, hourly: true,
  },
  {
    key: "front-desk", field: "hospitality", industry: "hospitality", team: "front office",
    titles: TITLES(["Front Desk Agent", "Receptionist"], ["Guest Services Agent", "Front Office Supervisor"], ["Front Office Manager"], ["Hotel Operations Manager"]),
    required: ["Front Desk", "Guest Relations", "Customer Service", "Reservations", "Communication"],
    niceToHave: ["Complaint Resolution", "Point of Sale", "Microsoft Office"],
    duties: ["Check guests in and out warmly and efficiently", "Handle reservations and special requests", "Resolve complaints calmly", "Work closely with housekeeping and maintenance"],
    remote: 0, pay: 18, hourly: true,
  },
  {
    key: "barista-server", field: "hospitality", industry: "hospitality", team: "front of house",
    titles: TITLES(["Barista", "Server", "Waiter"], ["Shift Supervisor", "Head Barista"], ["Assistant Restaurant Manager"], ["Restaurant Manager"]),
    required: ["Table Service", "Barista", "Customer Service", "Food Safety", "Point of Sale"],
    niceToHave: ["Bartending", "Wine Knowledge", "Responsible Alcohol Service"],
    duties: ["Serve guests with warmth and speed", "Prepare drinks to our recipes", "Handle payments accurately", "Keep the floor clean and welcoming"],
    remote: 0, pay: 16, hourly: true,
  },
  {
    key: "operations-manager", field: "operations", industry: "services", team: "operations",
    titles: TITLES(["Operations Assistant", "Project Coordinator"], ["Operations Analyst", "Project Manager", "Operations Specialist"], ["Senior Project Manager", "Senior Operations Manager"], ["Operations Manager", "Head of Operations"]),
    required: ["Operations Management", "Project Management", "Process Improvement", "KPI Reporting", "Stakeholder Management", "Microsoft Excel"],
    niceToHave: ["Lean Six Sigma", "Vendor Management", "Budget Management", "Change Management"],
    duties: ["Run day-to-day operations and remove bottlenecks", "Lead cross-functional projects from plan to delivery", "Track KPIs and report to leadership", "Improve processes with the teams who use them"],
    remote: 0.3, pay: 95_000,
  },
  {
    key: "administrative-assistant", field: "administration", industry: "services", team: "office",
    titles: TITLES(["Administrative Assistant", "Office Assistant", "Receptionist"], ["Office Coordinator", "Executive Assistant"], ["Senior Executive Assistant", "Office Manager"], ["Office Manager"]),
    required: ["Microsoft Office", "Microsoft Excel", "Calendar Management", "Data Entry", "Communication", "Office Administration"],
    niceToHave: ["Travel Coordination", "Minute Taking", "Microsoft PowerPoint", "Google Workspace", "Customer Service"],
    duties: ["Keep the office running smoothly", "Manage calendars, travel and meetings", "Prepare documents and presentations", "Be the friendly first point of contact for visitors"],
    remote: 0.1, pay: 48_000,
  },
  {
    key: "mechanical-engineer", field: "engineering", industry: "manufacturing", team: "engineering",
    titles: TITLES(["Graduate Mechanical Engineer"], ["Mechanical Engineer", "Design Engineer", "Manufacturing Engineer"], ["Senior Mechanical Engineer"], ["Engineering Manager"]),
    required: ["Mechanical Design", "SolidWorks", "AutoCAD", "GD&T", "Manufacturing Processes", "Root Cause Analysis"],
    niceToHave: ["Finite Element Analysis", "MATLAB", "Lean Six Sigma", "Quality Assurance"],
    duties: ["Design components and assemblies from concept to production", "Produce drawings with correct tolerances", "Solve production problems with root cause analysis", "Work with suppliers on prototypes"],
    remote: 0.1, pay: 95_000,
  },
];

interface CompanyProfile {
  name: string;
  industry: Industry;
  size: string;
  blurb: string;
  benefits: string[];
  policy: "remote" | "hybrid" | "onsite";
}

const NAME_A = [
  "Northwind", "Bluepeak", "Harborview", "Cedarline", "Lumen", "Brightwater", "Ironbridge", "Silverline", "Maplewood", "Evergreen",
  "Summitview", "Atlas", "Nimbus", "Riverstone", "Oakridge", "Crescent", "Keystone", "Redwood", "Granite", "Halcyon", "Larkspur",
  "Meridian", "Juniper", "Copperfield", "Sundial", "Westgate", "Foxglove", "Bramble", "Kestrel", "Tidewater", "Orchard", "Pinecrest",
];
const NAME_B: Record<Industry, string[]> = {
  software: ["Software", "Labs", "Technologies", "Cloud", "Systems", "Analytics", "AI", "Digital"],
  healthcare: ["Health", "Medical Center", "Hospital", "Care", "Clinic", "Health Partners", "Community Hospital"],
  pharmacy: ["Pharmacy", "Pharmacy Group", "Drugstores", "Health Pharmacy"],
  finance: ["Capital", "Bank", "Financial", "Insurance", "Investments", "Payments"],
  accounting: ["Accounting", "& Co. Chartered Accountants", "Advisory", "Tax & Audit", "Bookkeeping Services"],
  retail: ["Outfitters", "Home Goods", "Market", "Stores", "Supply Co."],
  logistics: ["Logistics", "Freight", "Distribution", "Transport", "Supply Chain"],
  education: ["Academy", "School District", "Learning", "College", "Tutors"],
  legal: ["LLP", "Law Group", "Legal", "& Partners"],
  construction: ["Electric", "Building Services", "Construction", "Mechanical", "Contractors"],
  manufacturing: ["Manufacturing", "Fabrication", "Industries", "Metalworks", "Engineering"],
  hospitality: ["Hotels", "Kitchen", "Bistro", "Hospitality Group", "Coffee Roasters", "Inn"],
  marketing: ["Media", "Creative", "Marketing", "Brands", "Studio"],
  services: ["Group", "Services", "Solutions", "Partners", "Consulting"],
};
const INDUSTRY_BLURB: Record<Industry, string[]> = {
  software: ["builds software that helps small businesses run their finances", "makes a SaaS platform for scheduling and field service teams", "builds developer tools used by thousands of engineering teams", "runs an online marketplace connecting local shops with customers", "builds a fintech app for everyday budgeting and payments"],
  healthcare: ["is a teaching hospital serving a large urban community", "runs a network of community clinics and urgent care centres", "operates long-term care and rehabilitation homes", "is a regional hospital known for its surgical and cardiac programmes"],
  pharmacy: ["runs a chain of community pharmacies", "operates an independent, family-owned pharmacy", "provides hospital and clinical pharmacy services"],
  finance: ["is a retail bank serving individuals and small businesses", "is an insurance provider focused on homes and small companies", "is a payments company processing millions of transactions a day", "is an asset manager with a long-term investment philosophy"],
  accounting: ["is an accounting firm advising owner-managed businesses", "provides outsourced bookkeeping and payroll to growing companies", "is a mid-sized audit and tax practice"],
  retail: ["is a lifestyle retailer with stores across the region", "sells outdoor gear in stores and online", "runs neighbourhood grocery stores"],
  logistics: ["is a third-party logistics provider with several distribution centres", "is a freight and trucking company serving retailers", "runs same-day delivery for e-commerce brands"],
  education: ["is a public school district committed to every learner", "is an independent school with small class sizes", "runs after-school tutoring and language programmes"],
  legal: ["is a commercial law firm advising technology and healthcare clients", "is a litigation practice with a strong trial record", "is the in-house legal team of a growing company"],
  construction: ["is an electrical and mechanical contractor for commercial buildings", "installs and services HVAC systems for homes and offices", "builds and renovates schools, hospitals and offices"],
  manufacturing: ["manufactures precision metal components for the automotive industry", "designs and builds industrial equipment", "fabricates structural steel for construction projects"],
  hospitality: ["runs boutique hotels in city centres", "is a busy neighbourhood restaurant with a seasonal menu", "operates specialty coffee shops", "runs a conference hotel with event spaces"],
  marketing: ["is a digital marketing agency working with consumer brands", "is a creative studio producing campaigns and content", "is a direct-to-consumer brand growing fast online"],
  services: ["is a professional services firm helping companies run better", "provides facilities and business services to offices", "runs customer care for well-known consumer brands"],
};
const SIZES = [
  "an early-stage startup of about 15 people",
  "a growing company of around 60 employees",
  "a mid-sized organisation of about 250 employees",
  "an established company with more than 1,000 employees",
  "a family-owned business founded over 30 years ago",
  "a Series B startup with about 120 people",
];
const BENEFITS = [
  "health, dental and vision insurance",
  "retirement plan with employer match",
  "25 days of paid time off",
  "paid parental leave",
  "flexible working hours",
  "annual learning and development budget",
  "stock options",
  "wellness allowance",
  "free meals on shift",
  "tuition reimbursement",
  "employee discount",
  "paid overtime",
  "uniform provided",
  "relocation support",
];

const article = (s: string): string => (/^[aeiou]/i.test(s) ? "an" : "a");

const buildCompanies = (rng: Rng): Map<Industry, CompanyProfile[]> => {
  const map = new Map<Industry, CompanyProfile[]>();
  const used = new Set<string>();
  for (const industry of Object.keys(NAME_B) as Industry[]) {
    const list: CompanyProfile[] = [];
    for (let i = 0; i < 10; i++) {
      let name = "";
      for (let tries = 0; tries < 20; tries++) {
        name = `${pick(rng, NAME_A)} ${pick(rng, NAME_B[industry])}`;
        if (!used.has(name)) break;
      }
      used.add(name);
      const policyRoll = rng();
      list.push({
        name,
        industry,
        size: pick(rng, SIZES),
        blurb: pick(rng, INDUSTRY_BLURB[industry]),
        benefits: pickN(rng, BENEFITS, 3 + Math.floor(rng() * 3)),
        policy: policyRoll < 0.2 ? "remote" : policyRoll < 0.6 ? "hybrid" : "onsite",
      });
    }
    map.set(industry, list);
  }
  return map;
};

const LEVEL_YEARS: Record<Level, string> = { junior: "0-2", mid: "2-5", senior: "5+", lead: "8+" };
const LEVEL_SENTENCE: Record<Level, string> = {
  junior: "This is an entry-level / junior position: new graduates and career changers are welcome, and you will be trained and mentored.",
  mid: "This is a mid-level role for someone with a few years of hands-on experience who can work independently.",
  senior: "This is a senior role: you bring deep experience, make sound judgement calls and mentor others.",
  lead: "This is a lead role: you will guide a team, set standards and be accountable for results.",
};
const LEVEL_PAY: Record<Level, number> = { junior: 0.75, mid: 1, senior: 1.25, lead: 1.45 };

const roundTo = (n: number, step: number): number => Math.round(n / step) * step;

const joinList = (items: string[]): string =>
  items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;

interface Place {
  label: string;
  city: string | null;
  currency: string;
  factor: number;
  remote: boolean;
}

const makePosting = (rng: Rng, occ: Occupation, place: Place, companies: Map<Industry, CompanyProfile[]>, index: number): JobPosting => {
  const roll = rng();
  const level: Level = roll < 0.25 ? "junior" : roll < 0.65 ? "mid" : roll < 0.9 ? "senior" : "lead";
  const title = pick(rng, occ.titles[level]);
  const company = pick(rng, companies.get(occ.industry) ?? []);
  const required = pickN(rng, occ.required, Math.min(occ.required.length, 4 + Math.floor(rng() * 2)));
  const nice = pickN(rng, occ.niceToHave, Math.min(occ.niceToHave.length, 2 + Math.floor(rng() * 2)));
  const duties = pickN(rng, occ.duties, 3);
  const where = place.city ?? "a remote team";

  const policy = place.remote
    ? `This role is fully remote${place.label.includes("(") ? ` within ${place.label.replace(/^Remote \(|\)$/g, "")} time zones` : ""}; we meet in person a few times a year.`
    : company.policy === "hybrid" && occ.remote > 0
      ? `This is a hybrid role: about three days a week in our ${where} office.`
      : `This role is on-site in ${where}.`;

  let salary: Salary | null = null;
  if (rng() < 0.65) {
    const base = occ.pay * LEVEL_PAY[level] * place.factor;
    if (occ.hourly) {
      const min = Math.round(base * 0.92);
      salary = { min, max: Math.round(base * 1.12), currency: place.currency, period: "hour" };
    } else {
      salary = { min: roundTo(base * 0.9, 1_000), max: roundTo(base * 1.15, 1_000), currency: place.currency, period: "year" };
    }
  }
  const fmtMoney = (n: number): string => n.toLocaleString("en-US");
  const salaryLine = salary
    ? `Pay: ${salary.currency} ${fmtMoney(salary.min ?? 0)}-${fmtMoney(salary.max ?? 0)} per ${salary.period}`
    : null;

  const requirements = [
    `${LEVEL_YEARS[level]} years of experience in a similar ${occ.team} role`,
    `Hands-on experience with ${joinList(required.slice(0, 2))}`,
    ...required.slice(2).map((s) => `Solid working knowledge of ${s}`),
    ...(occ.credentials ?? []),
    "Clear written and spoken communication in English",
  ];

  const description = [
    `${company.name} ${company.blurb}. We are ${company.size}${place.city ? `, with a team in ${place.city}` : ", working remotely across time zones"}.`,
    `We are hiring ${article(title)} ${title} to join our ${occ.team} team. ${LEVEL_SENTENCE[level]} ${duties[0] ?? ""}, and help us grow.`,
    `What you will do:\n${duties.map((d) => `- ${d}`).join("\n")}`,
    `What we are looking for:\n${requirements.map((r) => `- ${r}`).join("\n")}`,
    nice.length > 0 ? `Nice to have:\n${nice.map((n) => `- ${n}`).join("\n")}` : "",
    `What we offer:\n${[salaryLine, ...company.benefits].filter(Boolean).map((b) => `- ${b}`).join("\n")}`,
    policy,
  ]
    .filter(Boolean)
    .join("\n\n");

  const daysAgo = Math.floor(rng() * 45);
  const postedAt = new Date(Date.parse(CORPUS_BASE_DATE) - daysAgo * 86_400_000 - Math.floor(rng() * 8) * 3_600_000).toISOString();
  const sourceId = `${occ.key}-${String(index).padStart(4, "0")}`;
  return {
    source: "offline",
    sourceId,
    title,
    company: company.name,
    location: place.label,
    remote: place.remote,
    description,
    url: `https://jobs.example.com/offline/${sourceId}`,
    postedAt,
    salary,
  };
};

/** All occupations of the corpus (their keys), for tests and docs. */
export const CORPUS_OCCUPATIONS: readonly string[] = OCCUPATIONS.map((o) => o.key);

/** Generates the sample corpus: every occupation in every city, plus remote postings where the work allows it. */
export const buildCorpus = (seed: number): JobPosting[] => {
  const rng = createRng(seed);
  const companies = buildCompanies(rng);
  const postings: JobPosting[] = [];
  for (const occ of OCCUPATIONS) {
    let index = 0;
    for (const c of CITIES) {
      postings.push(makePosting(rng, occ, { label: cityLabel(c), city: c.city, currency: c.currency, factor: c.factor, remote: false }, companies, index++));
    }
    // a second posting in the biggest markets
    for (const c of CITIES.filter((x) => MAJOR_CITIES.has(x.city))) {
      postings.push(makePosting(rng, occ, { label: cityLabel(c), city: c.city, currency: c.currency, factor: c.factor, remote: false }, companies, index++));
    }
    const remoteCount = Math.round(occ.remote * 12);
    for (let r = 0; r < remoteCount; r++) {
      const area = REMOTE_AREAS[r % REMOTE_AREAS.length] ?? { label: "Remote", currency: "USD", factor: 1 };
      postings.push(makePosting(rng, occ, { label: area.label, city: null, currency: area.currency, factor: area.factor, remote: true }, companies, index++));
    }
  }
  return postings;
};

let memo: JobPosting[] | null = null;

/** The offline corpus for `seed` (the default corpus is built once and shared). */
export const generateCorpus = (seed = 42): JobPosting[] => {
  if (seed !== 42) return buildCorpus(seed);
  memo ??= buildCorpus(42);
  return memo;
};
