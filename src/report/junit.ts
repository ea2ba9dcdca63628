/** Escapes text for XML attributes and content. */
export function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export interface JUnitCase {
  name: string;
  classname: string;
  failure?: { message: string; body: string };
  /** Not run, or not judged: CI shows it as skipped, neither passed nor failed. */
  skipped?: string;
}

/** A `<property>` of the suite: what the run was played against, for whoever reads the CI result. */
export interface JUnitProperty {
  name: string;
  value: string;
}

/** A JUnit XML document with one suite, as CI systems render natively; `properties` go on the suite. */
export function renderJUnit(suite: string, cases: readonly JUnitCase[], properties: readonly JUnitProperty[] = []): string {
  const failures = cases.filter((c) => c.failure).length;
  const skipped = cases.filter((c) => !c.failure && c.skipped !== undefined).length;
  const skippedAttr = skipped > 0 ? ` skipped="${skipped}"` : '';
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="scimsim" tests="${cases.length}" failures="${failures}"${skippedAttr}>`, `  <testsuite name="${xml(suite)}" tests="${cases.length}" failures="${failures}"${skippedAttr}>`];
  if (properties.length > 0) {
    lines.push('    <properties>');
    for (const p of properties) lines.push(`      <property name="${xml(p.name)}" value="${xml(p.value)}"/>`);
    lines.push('    </properties>');
  }
  for (const c of cases) {
    if (!c.failure && c.skipped !== undefined) {
      lines.push(`    <testcase name="${xml(c.name)}" classname="${xml(c.classname)}">`, `      <skipped message="${xml(c.skipped)}"/>`, '    </testcase>');
      continue;
    }
    if (!c.failure) {
      lines.push(`    <testcase name="${xml(c.name)}" classname="${xml(c.classname)}"/>`);
      continue;
    }
    lines.push(`    <testcase name="${xml(c.name)}" classname="${xml(c.classname)}">`);
    lines.push(`      <failure message="${xml(c.failure.message)}">${xml(c.failure.body)}</failure>`);
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>');
  return `${lines.join('\n')}\n`;
}
