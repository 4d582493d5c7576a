import { describe, expect, it } from "vitest";
import { SKILLS, fieldsOf, findSkills } from "./vocabulary.js";

describe("skills vocabulary", () => {
  it("covers many fields with hundreds of canonical skills", () => {
    expect(SKILLS.length).toBeGreaterThanOrEqual(250);
    const fields = new Set(SKILLS.map((s) => s.field));
    for (const f of ["software", "data", "design", "product", "healthcare", "finance", "accounting", "sales", "marketing", "operations", "logistics", "hr", "education", "legal", "trades", "hospitality", "customer-service", "engineering"]) {
      expect(fields, f).toContain(f);
    }
    expect(new Set(SKILLS.map((s) => s.name)).size).toBe(SKILLS.length);
  });

  it("maps synonyms to canonical names", () => {
    expect(findSkills("JS, TS, Postgres and k8s")).toEqual(expect.arrayContaining(["JavaScript", "TypeScript", "PostgreSQL", "Kubernetes"]));
    expect(findSkills("RN with BLS/ACLS, charting in the EMR")).toEqual(
      expect.arrayContaining(["Registered Nurse", "Basic Life Support (BLS)", "Advanced Cardiovascular Life Support (ACLS)", "Electronic Health Records (EHR)"]),
    );
    expect(findSkills("Advanced Excel, bookkeeping, Salesforce CRM, SEO, forklift certified, MIG welding")).toEqual(
      expect.arrayContaining(["Microsoft Excel", "Bookkeeping", "Salesforce", "CRM", "SEO", "Forklift Operation", "MIG Welding"]),
    );
  });

  it("is word-boundary aware and careful with short ambiguous tokens", () => {
    expect(findSkills("Go Sooners! We go to the store. Let's go.")).not.toContain("Go");
    expect(findSkills("Languages: Python, Go, Rust")).toContain("Go");
    expect(findSkills("Golang services")).toContain("Go");
    expect(findSkills("Plan C is a backup, grade R reception")).not.toContain("C");
    expect(findSkills("Languages: C, C++, R")).toEqual(expect.arrayContaining(["C", "C++", "R"]));
    expect(findSkills("I excel at turning ideas into plans")).not.toContain("Microsoft Excel");
    expect(findSkills("the rn of the table; turn")).not.toContain("Registered Nurse");
    expect(findSkills("JavaScripting")).not.toContain("JavaScript");
    expect(findSkills("Spring 2014 semester")).not.toContain("Spring Boot");
  });

  it("prefers the longest phrase", () => {
    const s = findSkills("Built apps in React Native");
    expect(s).toContain("React Native");
  });

  it("ranks fields by how many skills belong to them", () => {
    expect(fieldsOf(["Python", "React", "SQL", "Registered Nurse", "Communication"])[0]).toBe("software");
    expect(fieldsOf(["Communication", "Teamwork"])).toEqual([]);
  });
});
