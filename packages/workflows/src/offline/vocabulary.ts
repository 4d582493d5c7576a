/**
 * The skills vocabulary of the offline adapter: canonical skill names, the
 * field each belongs to and the ways people write them.
 *
 * Entry syntax: `"Canonical|synonym|synonym"`. The canonical name is itself a
 * synonym unless a marked variant of it is listed. Markers:
 * - `~Word`: matched only with exactly this case (e.g. `~Excel`, `~RN`).
 * - `!Word`: exact case AND list context — after line start or `, : ; / ( | •`
 *   and before line end or `, ; / ) |` (e.g. `!Go`, `!R`, `!C`).
 * An entry may end with `>A>B`: skills it implies (PostgreSQL implies SQL).
 */

export type Field =
  | "software"
  | "data"
  | "design"
  | "product"
  | "healthcare"
  | "pharmacy"
  | "finance"
  | "accounting"
  | "sales"
  | "marketing"
  | "operations"
  | "logistics"
  | "hr"
  | "education"
  | "legal"
  | "trades"
  | "hospitality"
  | "customer-service"
  | "engineering"
  | "administration"
  | "general";

const DATA: Record<Field, string[]> = {
  software: [
    "JavaScript|~JS|ECMAScript|Javascript ES6|ES6",
    "TypeScript|~TS>JavaScript",
    "Python",
    "Java",
    "Go|!Go|Golang",
    "Rust|~Rust",
    "C|!C",
    "C++|cpp",
    "C#|csharp|C sharp",
    "Ruby|~Ruby",
    "PHP",
    "Kotlin",
    "Swift|~Swift",
    "Scala",
    "Elixir",
    "Haskell",
    "Bash|shell scripting|shell script|~Shell",
    "HTML|HTML5",
    "CSS|CSS3",
    "Sass|SCSS",
    "Tailwind CSS|Tailwind|TailwindCSS>CSS",
    "React|React.js|ReactJS|React Hooks>JavaScript",
    "React Native>React",
    "Next.js|NextJS>React",
    "Vue.js|Vue|VueJS>JavaScript",
    "Angular|AngularJS>TypeScript",
    "Svelte",
    "Redux>React",
    "Node.js|~Node|NodeJS>JavaScript",
    "Express.js|ExpressJS|~Express>Node.js",
    "NestJS>Node.js",
    "Django>Python",
    "Flask>Python",
    "FastAPI>Python",
    "Spring Boot|Spring Framework|!Spring>Java",
    "Ruby on Rails|Rails|~Rails>Ruby",
    "Laravel>PHP",
    ".NET|dotnet|ASP.NET|.NET Core",
    "GraphQL",
    "REST APIs|REST API|RESTful|RESTful APIs|~REST|REST services",
    "gRPC",
    "Microservices|microservice|micro-services",
    "SQL",
    "PostgreSQL|Postgres|psql>SQL",
    "MySQL>SQL",
    "SQL Server|MSSQL|Microsoft SQL Server>SQL",
    "Oracle Database|Oracle DB>SQL",
    "MongoDB|Mongo",
    "Redis",
    "NoSQL",
    "Elasticsearch|Elastic Search|OpenSearch",
    "Kafka|Apache Kafka",
    "RabbitMQ",
    "Docker|containers|containerization",
    "Kubernetes|~k8s|K8s",
    "Terraform",
    "Ansible",
    "AWS|Amazon Web Services|~EC2|~S3|AWS Lambda",
    "Google Cloud|GCP|Google Cloud Platform",
    "Azure|Microsoft Azure",
    "CI/CD|continuous integration|continuous delivery|continuous deployment|CI CD",
    "GitHub Actions",
    "Jenkins",
    "Git|GitHub|GitLab|Bitbucket",
    "Linux|Unix|Ubuntu",
    "Unit Testing|unit tests|test coverage|TDD|test driven development|Jest|Vitest|pytest|JUnit",
    "Cypress|Playwright|Selenium",
    "iOS Development|iOS",
    "Android Development|Android",
    "System Design|distributed systems|scalable systems",
    "Observability|Prometheus|Grafana|Datadog",
    "Web Accessibility|accessibility|WCAG|a11y",
    "Cloud Computing|cloud infrastructure|cloud",
    "Site Reliability|SRE|site reliability engineering",
    "Cybersecurity|information security|security engineering|application security|penetration testing",
    "Agile|Scrum|Kanban|agile methodologies",
    "Jira|JIRA|Confluence",
    "Object-Oriented Programming|OOP|object oriented programming|object-oriented design",
    "Algorithms|data structures|algorithms analysis",
    "WordPress",
    "Chrome Extensions|Chrome Extension",
    "Google Maps API|GoogleMaps|Google Maps",
    "Multimedia Codecs|~MPEG|~Mpeg|~MP4|~GIF|video codecs|video compression|audio codecs",
  ],
  data: [
    "Machine Learning|~ML|machine-learning",
    "Deep Learning",
    "Natural Language Processing|~NLP",
    "Computer Vision",
    "TensorFlow",
    "PyTorch",
    "scikit-learn|sklearn|scikit learn",
    "pandas|~Pandas",
    "NumPy",
    "R|!R|R programming|RStudio",
    "Statistics|statistical analysis|statistical modeling|statistical modelling",
    "Data Analysis|data analytics|analyzing data|analysing data",
    "Data Visualization|data visualisation|dashboards|dashboarding",
    "Tableau",
    "Power BI|PowerBI",
    "Looker",
    "Apache Spark|~Spark|PySpark",
    "Hadoop",
    "Airflow|Apache Airflow",
    "dbt",
    "Snowflake",
    "BigQuery",
    "ETL|ELT|data pipelines|data pipeline",
    "Data Warehousing|data warehouse",
    "A/B Testing|AB testing|split testing|experimentation",
    "Large Language Models|LLM|LLMs|generative AI|GenAI",
    "Data Compression|lossless compression|compression algorithms|compression algorithm",
    "Data Modeling|data modelling",
  ],
  design: [
    "Figma",
    "~Sketch|Sketch App",
    "Adobe XD",
    "Adobe Photoshop|Photoshop",
    "Adobe Illustrator|Illustrator",
    "Adobe InDesign|InDesign",
    "UX Design|user experience|UX|user experience design",
    "UI Design|user interface design|UI|visual design|interface design",
    "User Research|usability testing|user interviews",
    "Wireframing|wireframes|wireframe",
    "Prototyping|prototypes|prototype",
    "Design Systems|design system",
    "Interaction Design",
    "Graphic Design",
    "Motion Design|animation|animations|motion graphics",
    "Typography",
    "Branding|brand identity",
    "Video Editing|Premiere Pro|Final Cut",
  ],
  product: [
    "Product Management|product manager|product strategy",
    "Product Roadmaps|roadmap|roadmaps|roadmapping",
    "User Stories|user story",
    "Stakeholder Management|stakeholder communication|stakeholders",
    "Requirements Gathering|requirements analysis|business requirements",
    "Product Analytics|Amplitude|Mixpanel",
    "Go-to-Market|GTM|go to market",
    "Product Discovery",
    "OKRs|OKR|objectives and key results",
  ],
  healthcare: [
    "Registered Nurse|registered nurses|~RN|RN license|registered nursing",
    "Licensed Practical Nurse|~LPN|~LVN|licensed vocational nurse",
    "Nurse Practitioner|~NP",
    "Charge Nurse|charge nurse duties",
    "Basic Life Support (BLS)|~BLS|basic life support",
    "Advanced Cardiovascular Life Support (ACLS)|~ACLS|advanced cardiovascular life support|advanced cardiac life support",
    "Pediatric Advanced Life Support (PALS)|~PALS|pediatric advanced life support",
    "CPR|cardiopulmonary resuscitation|First Aid|CPR certification",
    "Electronic Health Records (EHR)|~EHR|~EMR|electronic health records|electronic health record|electronic medical records|electronic medical record",
    "Epic|~Epic|Epic Systems|Epic EHR",
    "Cerner",
    "Patient Care|patient-centered care|patient centred care|direct patient care|comprehensive care",
    "Patient Assessment|patient assessments|health assessment|nursing assessment",
    "Medication Administration|administering medication|administer medications|medication management",
    "Wound Care|wound management",
    "Patient Education|patient and family education|patient & family education|health education",
    "Medical-Surgical Nursing|medical surgical|medical-surgical|med-surg|med surg",
    "Critical Care|~ICU|intensive care",
    "Emergency Care|emergency department|emergency room|~ER nursing|triage",
    "Infection Control|infection prevention",
    "Care Planning|care plans|care plan|individualized care plans|nursing care plans",
    "IV Therapy|IV insertion|intravenous therapy|venipuncture|phlebotomy",
    "Vital Signs|vital signs monitoring",
    "HIPAA|patient confidentiality",
    "Clinical Documentation|nursing documentation|charting",
    "Telemetry",
    "Pediatrics|pediatric|paediatric",
    "Geriatrics|geriatric care|elderly care|long-term care",
    "Mental Health|psychiatric nursing|behavioral health",
    "Medical Terminology",
    "Medical Coding|ICD-10|~CPT coding",
    "Physical Therapy|physiotherapy",
    "Quality Improvement|quality improvement committee|~QI",
    "Personal Care|activities of daily living|~ADL|ADLs",
    "Dementia Care",
    "Discharge Planning",
  ],
  pharmacy: [
    "Pharmacology",
    "Dispensing|medication dispensing|dispense medications",
    "Prescription Verification|verifying prescriptions|prescription processing",
    "Compounding|sterile compounding",
    "Pharmacy Technician|~CPhT|certified pharmacy technician",
    "Clinical Pharmacy|medication therapy management|~MTM",
    "Drug Interactions|drug interaction",
    "Immunizations|vaccinations|vaccine administration",
    "Inventory Control",
  ],
  finance: [
    "Financial Modeling|financial modelling|financial models",
    "Financial Analysis|financial analyst",
    "Forecasting|financial forecasting|forecasts",
    "Budgeting|budget management|budgets",
    "FP&A|financial planning and analysis|FP & A",
    "Valuation|DCF|discounted cash flow",
    "Variance Analysis",
    "Risk Management|risk assessment",
    "Investment Analysis|equity research|portfolio management",
    "Bloomberg Terminal|~Bloomberg",
    "Corporate Finance",
    "Treasury|cash management",
    "Anti-Money Laundering|~AML|~KYC|know your customer",
    "Credit Analysis|underwriting",
  ],
  accounting: [
    "Bookkeeping|book keeping|bookkeeper",
    "Accounts Payable|~AP|accounts payable processing",
    "Accounts Receivable|~AR|debt collection",
    "General Ledger|~GL|ledger",
    "Financial Reporting|financial statements|financial statement preparation",
    "Month-End Close|month end close|month-end closing|year-end close|period close",
    "Reconciliation|reconciliations|bank reconciliation|account reconciliation|account reconciliations",
    "Payroll|payroll processing",
    "Tax Preparation|tax returns|tax compliance|taxation|corporate tax|~VAT",
    "Auditing|audit|audits|internal audit|external audit",
    "GAAP|US GAAP",
    "IFRS",
    "QuickBooks|Quickbooks Online|~QBO",
    "Xero",
    "~Sage|Sage 50|Sage Intacct",
    "SAP|~SAP|SAP ERP|SAP S/4HANA",
    "NetSuite|Oracle NetSuite",
    "ERP Systems|~ERP|enterprise resource planning",
    "Cost Accounting|management accounting",
    "Invoicing|invoices|billing",
    "~CPA|Certified Public Accountant",
    "~ACCA|~ACA|chartered accountant|~CIMA",
  ],
  sales: [
    "B2B Sales|business-to-business sales|B2B",
    "B2C Sales|retail sales",
    "Lead Generation|lead gen|prospecting|sales prospecting",
    "Cold Calling|cold calls|outbound calls",
    "Account Management|account manager|key accounts",
    "Business Development",
    "Negotiation|negotiating|contract negotiation",
    "Sales Pipeline|pipeline management|sales funnel",
    "Closing Deals|deal closing",
    "CRM|customer relationship management|~CRM",
    "Salesforce|~SFDC|Salesforce CRM>CRM",
    "HubSpot|Hubspot CRM>CRM",
    "Quota Attainment|sales quota|sales quotas|quota",
    "Solution Selling|consultative selling|value selling",
    "Territory Management",
    "Point of Sale|~POS|POS systems|cash handling|cash register",
    "Product Demos|product demonstrations|demos",
    "Upselling|cross-selling|upsell",
  ],
  marketing: [
    "SEO|search engine optimization|search engine optimisation|~SEO",
    "SEM|search engine marketing|~PPC|pay per click|paid search",
    "Google Ads|Google AdWords|AdWords",
    "Google Analytics|~GA4",
    "Content Marketing|content strategy|content creation",
    "Copywriting|copy writing|copywriter",
    "Social Media Marketing|social media|social media management|LinkedIn marketing|TikTok marketing",
    "Email Marketing|email campaigns|Mailchimp|newsletters",
    "Marketing Automation|Marketo|Pardot",
    "Brand Management|brand strategy",
    "Market Research|market analysis|competitive analysis",
    "Digital Marketing|online marketing",
    "Performance Marketing|paid social|paid media",
    "Public Relations|~PR|media relations|press releases",
    "Event Planning|event management|events management",
    "Campaign Management|marketing campaigns|campaigns",
    "Marketing Analytics|marketing metrics|attribution",
    "Growth Marketing|growth hacking|user acquisition",
  ],
  operations: [
    "Project Management|project manager|managing projects|~PMP",
    "Process Improvement|continuous improvement|process optimization|process optimisation|Kaizen",
    "Lean Six Sigma|Six Sigma|~Lean",
    "Operations Management|operations manager|business operations",
    "Vendor Management|supplier management|vendor relations",
    "Quality Assurance|~QA|quality control|~QC",
    "Risk Assessment|risk analysis",
    "KPI Reporting|~KPI|KPIs|key performance indicators|metrics reporting",
    "Scheduling|rostering|shift scheduling",
    "Facilities Management|facility management",
    "Health and Safety|health & safety|workplace safety|~OSHA|~EHS|safety compliance",
    "Budget Management",
    "Change Management",
    "Team Leadership|team lead|leading teams|people management|managing teams|led a team|lead a team",
  ],
  logistics: [
    "Supply Chain Management|supply chain|~SCM",
    "Inventory Management|inventory|stock control|stock management",
    "Warehouse Operations|warehouse|warehousing|warehouse management",
    "Forklift Operation|forklift|forklift certified|forklift license|forklift licence|reach truck",
    "Pallet Jack|pallet jacks",
    "Shipping and Receiving|shipping & receiving|shipping/receiving",
    "Order Picking|picking and packing|pick and pack|order fulfillment|order fulfilment",
    "Logistics Coordination|logistics|logistics coordinator",
    "Procurement|purchasing|sourcing",
    "Fleet Management|fleet operations",
    "Route Planning|route optimization|dispatching|dispatch",
    "Commercial Driving|~CDL|class A license|HGV|truck driving",
    "Demand Planning|demand forecasting",
    "Freight|freight forwarding|customs clearance|import/export",
    "WMS|warehouse management system",
    "~RF Scanners|RF scanner|barcode scanning|barcode scanners",
  ],
  hr: [
    "Recruiting|recruitment|talent acquisition|sourcing candidates",
    "Interviewing|interviewing candidates|candidate screening|structured interviews",
    "Onboarding|employee onboarding",
    "Employee Relations",
    "HRIS|Workday|BambooHR|~HR systems",
    "Compensation and Benefits|compensation and benefits|benefits administration|compensation analysis",
    "Performance Management|performance reviews",
    "Employment Law|labor law|labour law|employment legislation",
    "Training and Development|training and development|~L&D|staff training|training programs|training programmes",
    "Diversity and Inclusion|~DEI|diversity, equity and inclusion",
    "Workforce Planning",
  ],
  education: [
    "Lesson Planning|lesson plans|curriculum planning",
    "Curriculum Development|curriculum design",
    "Classroom Management",
    "Teaching|teacher|teaching experience|instructed",
    "Special Education|~SEN|~SEND|special needs|~IEP",
    "Differentiated Instruction|differentiation",
    "Student Assessment|assessment of student learning|grading",
    "Tutoring|tutor|tutored",
    "Early Childhood Education|early years|~ECE",
    "E-Learning|online learning|~LMS|learning management system|Moodle|Canvas LMS",
    "ESL|English as a second language|~TEFL|~TESOL|~EAL",
    "Teaching Certification|teaching license|teaching licence|~QTS|qualified teacher status",
    "Parent Communication|communicated regularly with parents|parent-teacher conferences",
    "Swim Instruction|swimming lessons|swimming skills|swim coach|lifeguard",
  ],
  legal: [
    "Legal Research|~Westlaw|LexisNexis|case law research",
    "Contract Drafting|drafting contracts|contract review|contract law",
    "Litigation|litigation support|civil litigation",
    "Compliance|regulatory compliance|compliance monitoring",
    "Corporate Law|mergers and acquisitions|M&A",
    "Intellectual Property|patents|trademarks|~IP law",
    "Legal Writing|legal drafting|briefs",
    "E-Discovery|eDiscovery|document review",
    "Case Management|case files",
    "Paralegal|paralegal certificate",
    "Data Protection|~GDPR|privacy law",
    "Employment Law Advice",
    "Conveyancing|real estate law",
    "Bar Admission|admitted to the bar|bar exam|licensed attorney|solicitor",
  ],
  trades: [
    "Electrical Wiring|wiring|electrical installation|electrical installations",
    "Electrical Troubleshooting|troubleshooting electrical|electrical fault finding",
    "National Electrical Code|~NEC|electrical code|BS 7671",
    "Journeyman License|journeyman|journeyperson|Red Seal",
    "Welding|welder|welds",
    "~MIG Welding|MIG|~GMAW",
    "~TIG Welding|TIG|~GTAW",
    "Stick Welding|~SMAW|arc welding",
    "Blueprint Reading|blueprints|reading blueprints|technical drawings",
    "Plumbing|plumber|pipefitting|pipe fitting",
    "HVAC|heating ventilation and air conditioning|air conditioning|refrigeration",
    "Carpentry|carpenter|framing|joinery",
    "Power Tools|hand tools|power and hand tools",
    "Preventive Maintenance|preventative maintenance|planned maintenance",
    "PLC Programming|~PLC|PLCs|programmable logic controllers",
    "Machining|~CNC|CNC machining|lathe",
    "Metal Fabrication|fabrication|sheet metal",
    "Construction|construction site|building sites",
    "Lockout/Tagout|lockout tagout|~LOTO",
    "Solar Installation|solar panels|photovoltaic|~PV systems",
    "Conduit Bending|conduit",
    "Motor Controls|motor control",
  ],
  hospitality: [
    "Food Safety|food hygiene|food handler|food handling|ServSafe|HACCP",
    "Food Preparation|food prep|cooking|culinary|line cook",
    "Menu Planning|menu development",
    "Front Desk|front desk operations|reception|guest check-in",
    "Guest Relations|guest services|guest experience|hospitality",
    "Bartending|mixology|cocktails",
    "Barista|espresso|coffee preparation",
    "Table Service|waiting tables|food service|serving guests",
    "Housekeeping|room cleaning",
    "Reservations|booking systems|reservation systems|Opera PMS|~PMS",
    "Kitchen Management|kitchen operations",
    "Event Catering|catering|banquets",
    "Wine Knowledge|sommelier|wine service",
    "Responsible Alcohol Service|~RSA|TIPS certified",
  ],
  "customer-service": [
    "Customer Service|customer support|customer care|client service|customer-facing",
    "Customer Success|customer success manager|client success",
    "Call Center|call centre|contact center|contact centre|inbound calls",
    "Zendesk",
    "Intercom",
    "Freshdesk",
    "Ticketing Systems|ticketing system|help desk|helpdesk|service desk",
    "Complaint Resolution|conflict resolution|resolving complaints|de-escalation",
    "Live Chat|chat support",
    "Technical Support|tech support|troubleshooting|IT support",
    "Customer Retention|churn reduction|customer retention|client retention",
    "Net Promoter Score|~NPS|customer satisfaction|~CSAT",
  ],
  engineering: [
    "AutoCAD|Auto CAD",
    "SolidWorks",
    "~CAD|computer-aided design|CAD design",
    "MATLAB|Matlab",
    "Simulink",
    "Finite Element Analysis|~FEA|~ANSYS",
    "Mechanical Design|mechanical engineering",
    "Electrical Engineering|circuit design|~PCB design",
    "Civil Engineering|structural engineering|structural analysis",
    "Embedded Systems|embedded software|firmware|microcontrollers",
    "GD&T|geometric dimensioning and tolerancing",
    "Root Cause Analysis|~RCA|failure analysis",
    "Manufacturing Processes|manufacturing|production line",
    "Revit|~BIM|building information modeling",
    "Robotics",
    "Signal Processing|~DSP",
  ],
  administration: [
    "Microsoft Office|MS Office|Office 365|Microsoft 365",
    "Microsoft Excel|~Excel|MS Excel|spreadsheets|Google Sheets",
    "Microsoft Word|MS Word|Word processing",
    "Microsoft PowerPoint|PowerPoint|~PowerPoint|MS PowerPoint|Keynote",
    "Microsoft Outlook|~Outlook",
    "Microsoft Access|MS Access",
    "Google Workspace|G Suite|Google Docs",
    "Windows|Microsoft Windows",
    "macOS|Mac OS|~Mac|OS X",
    "Data Entry",
    "Calendar Management|diary management|calendar management",
    "Filing|records management|record keeping|recordkeeping",
    "Office Administration|office management|administrative support|clerical",
    "Typing|touch typing|~WPM",
    "Travel Coordination|travel arrangements|travel booking",
    "Minute Taking|meeting minutes",
    "Presentations|presentation skills|audio-visual presentation|presented research|presenting",
  ],
  general: [
    "Communication|communication skills|communicated|communicating",
    "Teamwork|team player|collaboration|collaborated|collaborative|cross-functional teams|cross-functional",
    "Leadership|leadership & mentorship|leadership skills",
    "Problem Solving|creative problem solving|problem-solving",
    "Time Management|prioritization|prioritisation",
    "Attention to Detail|detail-oriented|detail oriented",
    "Critical Thinking",
    "Adaptability|learning mindset|flexibility",
    "Organizational Skills|organizational skills|organisational skills|highly organized|highly organised",
    "Multitasking|multi-tasking",
    "Research|researching|research assistant|research findings",
    "Public Speaking",
    "Mentoring|mentorship|mentored|coaching|mentoring junior",
  ],
};

export interface SkillEntry {
  name: string;
  field: Field;
  implies: string[];
}

interface Pattern {
  entry: SkillEntry;
  /** Exact surface tokens for case-sensitive patterns. */
  exact: string[] | null;
  listContext: boolean;
}

/** The words the tokenizer keeps: letters/digits with inner `+ # . &`, optional leading dot (".NET"). */
const W = "A-Za-z0-9\\u00C0-\\u024F\\u0370-\\u03FF\\u0400-\\u04FF";
const TOKEN_RE = new RegExp(`\\.?[${W}](?:[${W}+#.&']*[${W}+#])?\\+*`, "g");

export interface Token {
  raw: string;
  lower: string;
  start: number;
  end: number;
}

export const tokenize = (text: string): Token[] => {
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN_RE)) {
    let raw = m[0];
    let start = m.index;
    // a leading dot only belongs to the word after a blank (".NET"), never "end.Next"
    if (raw.startsWith(".") && start > 0 && !/\s|\(|,|\//.test(text[start - 1] ?? "")) {
      raw = raw.slice(1);
      start += 1;
    }
    if (raw.endsWith("'s")) raw = raw.slice(0, -2);
    if (!raw) continue;
    out.push({ raw, lower: raw.toLowerCase(), start, end: start + raw.length });
  }
  return out;
};

const phraseKey = (phrase: string): string =>
  tokenize(phrase)
    .map((t) => t.lower)
    .join(" ");

const ENTRIES: SkillEntry[] = [];
const BY_NAME = new Map<string, SkillEntry>();
const PATTERNS = new Map<string, Pattern[]>();
let MAX_N = 1;
/** Proper prefixes of multi-word phrase keys, to stop extending a phrase early. */
const PREFIXES = new Set<string>();

const addPattern = (key: string, p: Pattern): void => {
  if (!key) return;
  const list = PATTERNS.get(key);
  if (list) {
    if (!list.some((q) => q.entry === p.entry && q.listContext === p.listContext && String(q.exact) === String(p.exact))) list.push(p);
  } else PATTERNS.set(key, [p]);
  const words = key.split(" ");
  MAX_N = Math.max(MAX_N, words.length);
  for (let k = 1; k < words.length; k++) PREFIXES.add(words.slice(0, k).join(" "));
};

for (const [field, lines] of Object.entries(DATA) as [Field, string[]][]) {
  for (const line of lines) {
    const [head = "", ...implied] = line.split(">");
    const parts = head.split("|").map((s) => s.trim()).filter(Boolean);
    const first = parts[0] ?? "";
    const name = first.replace(/^[~!]/, "");
    if (BY_NAME.has(name)) continue;
    const entry: SkillEntry = { name, field, implies: implied.map((s) => s.trim()).filter(Boolean) };
    ENTRIES.push(entry);
    BY_NAME.set(name, entry);
    const marked = parts.some((p) => /^[~!]/.test(p) && p.slice(1) === name);
    const variants = first.startsWith("~") || first.startsWith("!") ? parts : marked ? parts.slice(1) : parts;
    for (const v of variants) {
      if (v.startsWith("~") || v.startsWith("!")) {
        const surface = v.slice(1);
        addPattern(phraseKey(surface), { entry, exact: tokenize(surface).map((t) => t.raw), listContext: v.startsWith("!") });
      } else {
        addPattern(phraseKey(v), { entry, exact: null, listContext: false });
      }
    }
  }
}

/** Every canonical skill of the vocabulary. */
export const SKILLS: readonly SkillEntry[] = ENTRIES;

export const skillEntry = (name: string): SkillEntry | undefined => BY_NAME.get(name);

export const fieldOf = (skill: string): Field | undefined => BY_NAME.get(skill)?.field;

const LIST_BEFORE = /(^|[,:;/(|•·\n]|\band|\bor)\s*$/;
const LIST_AFTER = /^\s*($|[,;/)|\n]|and\b|or\b|\()/;

const contextOk = (text: string, start: number, end: number): boolean => {
  const before = text.slice(Math.max(0, start - 6), start);
  const after = text.slice(end, end + 6);
  return LIST_BEFORE.test(before) && LIST_AFTER.test(after);
};

/** Canonical skills found in `tokens` (of `text`), in order of first appearance. Longest phrase wins. */
export const findSkillsInTokens = (text: string, tokens: Token[]): string[] => {
  const found: string[] = [];
  const seen = new Set<string>();
  const push = (e: SkillEntry): void => {
    if (seen.has(e.name)) return;
    seen.add(e.name);
    found.push(e.name);
  };
  let i = 0;
  while (i < tokens.length) {
    let bestN = 0;
    let bestPatterns: Pattern[] | undefined;
    let key = "";
    for (let n = 1; n <= MAX_N && i + n <= tokens.length; n++) {
      const tok = tokens[i + n - 1];
      if (!tok) break;
      if (n > 1) {
        const prev = tokens[i + n - 2];
        // phrases never span lines
        if (!prev) break;
        const nl = text.indexOf("\n", prev.end);
        if (nl !== -1 && nl < tok.start) break;
        key += ` ${tok.lower}`;
      } else key = tok.lower;
      let patterns = PATTERNS.get(key);
      if (!patterns && key.length > 3 && key.endsWith("s") && !key.endsWith("ss")) patterns = PATTERNS.get(key.slice(0, -1));
      if (patterns) {
        const slice = tokens.slice(i, i + n);
        const ok = patterns.filter((p) => {
          if (!p.exact) return true;
          if (p.exact.length !== n || !p.exact.every((r, k) => slice[k]?.raw === r)) return false;
          return !p.listContext || contextOk(text, tokens[i]?.start ?? 0, tok.end);
        });
        if (ok.length > 0) {
          bestN = n;
          bestPatterns = ok;
        }
      }
      if (!PREFIXES.has(key)) break;
    }
    if (bestPatterns) {
      for (const p of bestPatterns) {
        push(p.entry);
        for (const imp of p.entry.implies) {
          const e = BY_NAME.get(imp);
          if (e) push(e);
        }
      }
    }
    i += bestN || 1;
  }
  return found;
};

/** Canonical skill names mentioned in `text` (word-boundary aware, careful with short ambiguous tokens). */
export const findSkills = (text: string): string[] => findSkillsInTokens(text, tokenize(text));

/** Broad fields ranked by how many of `skills` belong to them (soft skills and languages are not a field). */
export const fieldsOf = (skills: string[]): string[] => {
  const counts = new Map<string, number>();
  const firstSeen = new Map<string, number>();
  skills.forEach((s, i) => {
    const f = BY_NAME.get(s)?.field;
    if (!f || f === "general") return;
    counts.set(f, (counts.get(f) ?? 0) + 1);
    if (!firstSeen.has(f)) firstSeen.set(f, i);
  });
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (firstSeen.get(a[0]) ?? 0) - (firstSeen.get(b[0]) ?? 0))
    .map(([f]) => f);
};
