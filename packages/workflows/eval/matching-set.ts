/**
 * A labelled set for the offline matcher: for each person (a short CV, the
 * search they would run and where), postings a recruiter would call relevant
 * or not. Written by hand for this project, independent of the generated
 * corpus, with hard cases on purpose: the right title at the wrong level, the
 * right level in the wrong field, the right job in a city the person did not
 * ask for.
 */
export interface LabelledPosting {
  relevant: boolean;
  title: string;
  company: string;
  location: string | null;
  remote: boolean;
  description: string;
}

export interface LabelledCase {
  occupation: string;
  cv: string;
  query: string;
  location: string;
  postings: LabelledPosting[];
}

const P = (relevant: boolean, title: string, company: string, location: string | null, description: string, remote = false): LabelledPosting => ({
  relevant,
  title,
  company,
  location,
  remote,
  description,
});

export const MATCHING_SET: LabelledCase[] = [
  {
    occupation: "software engineering (senior)",
    cv: `Ana Pereira
Senior Software Engineer
Lisbon, Portugal | ana.pereira@example.com

EXPERIENCE
Senior Software Engineer | Lumen Payments
Jan 2019 - Present
- Led the move of the payments API to Go and PostgreSQL on Kubernetes
- Mentored four engineers; owned on-call for the ledger service
Software Engineer | Vela Systems
Mar 2014 - Dec 2018
- Built TypeScript and Node.js services, REST APIs and CI/CD pipelines on AWS

SKILLS
Go, TypeScript, Node.js, PostgreSQL, Kubernetes, Docker, AWS, Kafka, System Design`,
    query: "Senior Software Engineer",
    location: "Lisbon",
    postings: [
      P(true, "Senior Software Engineer", "Tidal Ledger", "Lisbon, Portugal", "Senior role. Build payment services in Go and PostgreSQL on Kubernetes. 6+ years of experience with distributed systems."),
      P(true, "Senior Backend Engineer (Go)", "Northwind Cloud", "Remote (Europe)", "We need a senior backend engineer: Go, Kafka, Docker, AWS. You will design APIs and mentor others.", true),
      P(true, "Staff Software Engineer", "Orbit Freight", "Lisbon, Portugal", "Staff engineer to lead system design across TypeScript and Node.js services; 8+ years of experience."),
      P(false, "Junior Software Engineer", "Tidal Ledger", "Lisbon, Portugal", "Entry-level role for new graduates. Learn Go, PostgreSQL and Kubernetes with our payments team. 0-1 years of experience."),
      P(false, "Software Engineering Intern", "Vela Systems", "Lisbon, Portugal", "Summer internship for students: help the team with TypeScript and Node.js tooling."),
      P(false, "Senior Accountant", "Lumen Payments", "Lisbon, Portugal", "Senior role: month-end close, reconciliations, IFRS reporting and audits."),
    ],
  },
  {
    occupation: "nursing",
    cv: `Grace Okafor, RN
Registered Nurse
Manchester, United Kingdom | grace.okafor@example.com

EXPERIENCE
Registered Nurse | Salford Royal Hospital
2016 - Present
- Medical-surgical ward: patient assessment, medication administration, wound care
- Charge nurse on night shifts, mentoring student nurses

CERTIFICATIONS
BLS, ACLS`,
    query: "Registered Nurse",
    location: "Manchester",
    postings: [
      P(true, "Registered Nurse - Medical Surgical", "Manchester Royal Infirmary", "Manchester, United Kingdom", "Registered nurse for a busy medical-surgical ward: patient assessment, medication administration, wound care. BLS required."),
      P(true, "Charge Nurse", "Trafford General Hospital", "Manchester, United Kingdom", "Senior role leading a ward team on nights; registered nurse with 5+ years of experience and ACLS."),
      P(false, "Registered Nurse", "St Vincent's Hospital", "Sydney, NSW, Australia", "Registered nurse for the surgical ward. Patient assessment and medication administration."),
      P(false, "Nursing Assistant", "Manchester Care Homes", "Manchester, United Kingdom", "Entry-level care assistant role, no experience required. Help residents with daily living."),
      P(false, "Software Engineer", "Health Bytes", "Manchester, United Kingdom", "Build our electronic health records web app in React and Node.js."),
    ],
  },
  {
    occupation: "accounting",
    cv: `Tom Becker
Accountant
Hamburg, Germany | tom.becker@example.com

EXPERIENCE
Accountant | Hansa Logistik GmbH
2019 - Present
- Month-end close, reconciliations and VAT returns in DATEV and SAP
- Prepared financial statements under HGB and IFRS
Accounts Assistant | Elbe Partners
2017 - 2019
- Accounts payable and payroll

SKILLS
Excel, SAP, IFRS, Financial Reporting, Reconciliation`,
    query: "Accountant",
    location: "Hamburg",
    postings: [
      P(true, "Accountant", "Nordlicht Energie", "Hamburg, Germany", "Mid-level accountant: month-end close, reconciliations, IFRS financial reporting in SAP. 3+ years of experience."),
      P(true, "Financial Accountant", "Alster Retail GmbH", "Hamburg, Germany", "Prepare financial statements, VAT and reconciliations; Excel and SAP skills; 3 years of experience."),
      P(false, "Head of Finance", "Nordlicht Energie", "Hamburg, Germany", "Director-level role leading a finance department of 20; 15+ years of experience, board reporting."),
      P(false, "Data Engineer", "Alster Retail GmbH", "Hamburg, Germany", "Build data pipelines in Python, Spark and Airflow."),
      P(false, "Accountant", "Bay Ledger", "San Francisco, CA, United States", "Accountant for month-end close and reconciliations under US GAAP."),
    ],
  },
  {
    occupation: "electrical trades",
    cv: `Mike Dawson
Licensed Electrician
Chicago, IL | mike.dawson@example.com

EXPERIENCE
Journeyman Electrician | Lakeside Electric
2015 - Present
- Commercial wiring, conduit bending, panel upgrades and troubleshooting to NEC code
- Read blueprints and led a crew of two apprentices

LICENSES
Journeyman License, OSHA 30`,
    query: "Electrician",
    location: "Chicago",
    postings: [
      P(true, "Commercial Electrician", "Windy City Power", "Chicago, IL, United States", "Journeyman electrician for commercial wiring, conduit, panel installs; NEC code and blueprint reading."),
      P(true, "Journeyman Electrician", "Midwest Builders", "Chicago, IL, United States", "Install and troubleshoot electrical systems on job sites. Journeyman license and OSHA 30 required."),
      P(false, "Apprentice Electrician", "Windy City Power", "Chicago, IL, United States", "Entry-level apprenticeship, no experience needed; learn wiring under supervision."),
      P(false, "Electrical Engineer", "Grid Design Labs", "Chicago, IL, United States", "Design power distribution in AutoCAD; degree in electrical engineering; run load calculations."),
      P(false, "Barista", "Loop Coffee", "Chicago, IL, United States", "Make espresso drinks and serve customers."),
    ],
  },
  {
    occupation: "teaching",
    cv: `Laura Chen
Teacher
Toronto, ON, Canada | laura.chen@example.com

EXPERIENCE
Grade 5 Teacher | Maple Grove Public School
2018 - Present
- Lesson planning, classroom management and differentiated instruction for 28 students
- Parent communication and student assessment

EDUCATION
Bachelor of Education, University of Toronto, 2018`,
    query: "Elementary Teacher",
    location: "Toronto",
    postings: [
      P(true, "Elementary School Teacher", "Toronto District School Board", "Toronto, ON, Canada", "Teach grade 4 to 6: lesson planning, classroom management, student assessment, parent communication."),
      P(true, "Primary Teacher", "Northlake Academy", "Toronto, ON, Canada", "Classroom teacher for a primary grade; differentiated instruction and lesson planning; teaching certification."),
      P(false, "Teaching Assistant", "Northlake Academy", "Toronto, ON, Canada", "Entry-level assistant supporting teachers; no experience required."),
      P(false, "Sales Associate", "Queen St Outfitters", "Toronto, ON, Canada", "Retail sales, cash handling and customer service."),
      P(false, "Elementary School Teacher", "Denver Public Schools", "Denver, CO, United States", "Teach grade 3 in Denver; lesson planning and classroom management."),
    ],
  },
  {
    occupation: "sales",
    cv: `Daniel Ruiz
Account Executive
Madrid, Spain | daniel.ruiz@example.com

EXPERIENCE
Account Executive | Nube SaaS
2020 - Present
- Closed B2B deals with mid-market customers; 120% of quota in 2023
- Ran the full sales cycle with Salesforce and HubSpot
Sales Development Representative | Nube SaaS
2018 - 2020
- Prospecting, cold calling and lead qualification`,
    query: "Account Executive",
    location: "Madrid",
    postings: [
      P(true, "Account Executive", "Cloudia", "Madrid, Spain", "B2B SaaS account executive: full sales cycle, negotiation, Salesforce; 3+ years of experience closing deals."),
      P(true, "Mid-Market Account Executive", "Ventas Pro", "Remote (Europe)", "Own the sales cycle for mid-market customers; HubSpot; quota-carrying.", true),
      P(false, "Sales Development Representative", "Cloudia", "Madrid, Spain", "Entry-level: prospecting and cold calling. No experience required."),
      P(false, "Marketing Designer", "Ventas Pro", "Madrid, Spain", "Design campaigns in Figma and Adobe Illustrator."),
      P(false, "VP of Sales", "Cloudia", "Madrid, Spain", "Executive role leading 60 sellers across EMEA; 15+ years of experience."),
    ],
  },
  {
    occupation: "data analysis",
    cv: `Priya Nair
Data Analyst
Bangalore, India | priya.nair@example.com

EXPERIENCE
Data Analyst | Kirana Retail
2020 - Present
- SQL and Python analysis of sales data; Tableau dashboards for category managers
- A/B test analysis and statistics for pricing experiments

SKILLS
SQL, Python, pandas, Tableau, Excel, Statistics`,
    query: "Data Analyst",
    location: "Remote",
    postings: [
      P(true, "Data Analyst", "ShopGrid", "Remote", "Analyse sales data with SQL and Python; build Tableau dashboards; A/B testing and statistics.", true),
      P(true, "Product Data Analyst", "Lumio", "Remote (Worldwide)", "SQL, Python and Looker to measure product experiments; statistics background.", true),
      P(false, "Data Entry Clerk", "ShopGrid", "Remote", "Type invoices into our system; no experience required.", true),
      P(false, "Warehouse Associate", "Kirana Retail", "Bangalore, India", "Pick and pack orders; forklift a plus."),
      P(false, "Chief Data Officer", "Lumio", "Remote", "Executive role owning data strategy; 15+ years of experience leading data organisations.", true),
    ],
  },
  {
    occupation: "hospitality (chef)",
    cv: `Marco Bianchi
Sous Chef
London, United Kingdom | marco.bianchi@example.com

EXPERIENCE
Sous Chef | Trattoria Nove
2019 - Present
- Ran the line for 150 covers; menu planning, food cost control and food safety
Line Cook | The Green Table
2015 - 2019
- Grill and sauté stations`,
    query: "Sous Chef",
    location: "London",
    postings: [
      P(true, "Sous Chef", "Brasserie Lune", "London, United Kingdom", "Sous chef to run the kitchen line, menu planning, food safety and stock control."),
      P(true, "Head Chef", "Canal Kitchen", "London, United Kingdom", "Lead a kitchen team of 8; menu development, food cost and food safety."),
      P(false, "Kitchen Porter", "Brasserie Lune", "London, United Kingdom", "Entry-level dishwashing and cleaning; no experience required."),
      P(false, "Sous Chef", "Harbour Grill", "Auckland, New Zealand", "Sous chef for a seafood restaurant; food safety and menu planning."),
      P(false, "Accounts Payable Clerk", "Canal Kitchen", "London, United Kingdom", "Process supplier invoices in Xero."),
    ],
  },
  {
    occupation: "logistics",
    cv: `Sam Miller
Warehouse Supervisor
Atlanta, GA | sam.miller@example.com

EXPERIENCE
Warehouse Supervisor | Peach State Distribution
2018 - Present
- Led 25 associates on the night shift; inventory control and WMS
- Forklift certified; shipping and receiving, OSHA safety
Warehouse Associate | Peach State Distribution
2014 - 2018`,
    query: "Warehouse Supervisor",
    location: "Atlanta",
    postings: [
      P(true, "Warehouse Supervisor", "Southern Freight", "Atlanta, GA, United States", "Supervise shipping and receiving teams; inventory control in a WMS; forklift and OSHA safety."),
      P(true, "Warehouse Operations Lead", "Metro Logistics", "Atlanta, GA, United States", "Lead a team of associates; inventory accuracy, safety, shipping and receiving."),
      P(false, "Warehouse Associate", "Southern Freight", "Atlanta, GA, United States", "Entry-level: pick, pack and load trucks. No experience required."),
      P(false, "Registered Nurse", "Grady Health", "Atlanta, GA, United States", "Registered nurse for the emergency department."),
      P(false, "Warehouse Supervisor", "Bay Freight", "Oakland, CA, United States", "Supervise warehouse teams; inventory and WMS."),
    ],
  },
  {
    occupation: "human resources",
    cv: `Emma Larsen
HR Business Partner
Copenhagen, Denmark | emma.larsen@example.com

EXPERIENCE
Senior HR Business Partner | Nordhavn Shipping
2017 - Present
- Employee relations, performance management and workforce planning for 400 staff
- Led recruitment and onboarding programmes`,
    query: "HR Business Partner",
    location: "Copenhagen",
    postings: [
      P(true, "HR Business Partner", "Øresund Tech", "Copenhagen, Denmark", "Partner with managers on employee relations, performance management and workforce planning. 7+ years of experience."),
      P(true, "Senior People Partner", "Tivoli Foods", "Copenhagen, Denmark", "Senior HR business partner for 300 employees: employee relations, recruitment, onboarding."),
      P(false, "HR Assistant", "Øresund Tech", "Copenhagen, Denmark", "Entry-level admin support to the HR team; no experience required."),
      P(false, "Frontend Developer", "Tivoli Foods", "Copenhagen, Denmark", "Build our web shop in React and TypeScript."),
    ],
  },
];
