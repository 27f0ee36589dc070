/**
 * @module web/annual-report/pdf
 * The annual report as a PDF (PDFKit, with its built-in Helvetica, so no font files are needed), drawn from the same
 * model as the web page: the summary, the headline indicators each with a chart of the deprivation quintiles and their
 * 95% intervals, the shared outcomes with their statuses and reasons, unpaid carers, the year's decisions, and every
 * indicator's gap. The document's dates are the report's as-of date, so the same report is the same bytes.
 */
import PDFDocument from 'pdfkit';
import type { AnnualReport, GapRow } from './model.js';

const MARGIN = 50;
const NHS_BLUE = '#005eb8';
const TEXT = '#212b32';
const GREY = '#4c6272';
const COMPARISON_FILL: Readonly<Record<string, string>> = {
  better: '#007f3b',
  worse: '#d5281b',
  similar: '#ffb81c',
  higher: '#330072',
  lower: '#41b6e6',
  'not-compared': '#aeb7bd',
};

/** PDFKit's standard fonts speak WinAnsi: characters beyond it are written as their nearest plain equivalents. */
const plain = (text: string): string =>
  text.replace(/[≥≤−→]/g, (c) => ({ '≥': '>=', '≤': '<=', '−': '-', '→': '->' })[c] ?? c);

export async function annualReportPdf(report: AnnualReport): Promise<Buffer> {
  const asOf = new Date(`${report.asOf}T00:00:00Z`);
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: {
      Title: `${report.title}: ${report.scope}, ${report.year}`,
      Author: report.scope,
      Subject: 'Annual population health report',
      Creator: 'Accord',
      Producer: 'Accord (PDFKit)',
      CreationDate: asOf,
      ModDate: asOf,
    },
    lang: 'en-GB',
    displayTitle: true,
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const width = doc.page.width - 2 * MARGIN;
  const ensure = (height: number) => {
    if (doc.y + height > doc.page.height - MARGIN) doc.addPage();
  };
  const heading = (text: string) => {
    ensure(60);
    doc.moveDown(0.8).font('Helvetica-Bold').fontSize(15).fillColor(NHS_BLUE).text(plain(text));
    doc.moveDown(0.3).font('Helvetica').fontSize(10).fillColor(TEXT);
  };
  const para = (text: string, options: { size?: number; colour?: string; bold?: boolean } = {}) => {
    doc
      .font(options.bold === true ? 'Helvetica-Bold' : 'Helvetica')
      .fontSize(options.size ?? 10)
      .fillColor(options.colour ?? TEXT)
      .text(plain(text), { width });
  };

  // Title
  doc.font('Helvetica-Bold').fontSize(26).fillColor(NHS_BLUE).text(plain(report.title));
  doc
    .font('Helvetica')
    .fontSize(14)
    .fillColor(TEXT)
    .text(plain(`${report.scope}: ${report.year}`));
  doc.moveDown(0.3);
  para(
    `As of ${report.asOf}.${report.computedAt === undefined ? '' : ` Population figures computed ${report.computedAt.slice(0, 10)}.`}`,
    { colour: GREY },
  );

  heading('Summary');
  for (const line of report.summary) {
    para(`• ${line}`);
    doc.moveDown(0.2);
  }

  heading('The inequality gap');
  para(
    'Each headline indicator by national deprivation quintile (1 is the most deprived fifth), with 95% intervals; the line is the partnership’s value.',
    { colour: GREY, size: 9 },
  );
  for (const row of report.headlines) drawHeadline(doc, row, width, ensure, para);

  heading('Shared outcomes');
  if (report.outcomes.length === 0) para('No shared outcomes are recorded.');
  for (const o of report.outcomes) {
    ensure(40);
    para(`${o.title}: ${o.statusText}`, { bold: true });
    for (const reason of o.reasons) para(reason, { size: 9 });
    doc.moveDown(0.3);
  }

  if (report.carers !== undefined) {
    heading('Unpaid carers');
    para(
      `In ${report.carers.year}, GP practices had identified ${report.carers.identifiedText} carers, of about ${report.carers.expectedText} expected from the census: ${report.carers.shareText}.`,
    );
  }

  heading(`Decisions in ${report.year}`);
  if (report.decisions.length === 0) para('No decisions were recorded.');
  for (const d of report.decisions) {
    ensure(30);
    para(`${d.reference} (${d.decidedOn}, ${d.body}): ${d.title}. ${d.outcome}.`, { size: 9 });
  }

  heading('Every indicator');
  for (const row of report.indicators) {
    ensure(26);
    para(row.title, { bold: true, size: 9 });
    para(
      `${row.year}: ${row.valueText}${row.place === undefined ? '' : `; ${report.place?.name ?? ''} ${row.place.valueText}`} (${row.unit}). Quintile 1: ${row.q1Text}; quintile 5: ${row.q5Text}; gap ${row.absoluteGapText} (ratio ${row.relativeGapText}). ${row.trendText}.`,
      { size: 8.5, colour: GREY },
    );
  }

  heading('About these figures');
  for (const note of report.notes) para(note, { size: 9 });

  doc.end();
  return done;
}

function drawHeadline(
  doc: PDFKit.PDFDocument,
  row: GapRow,
  width: number,
  ensure: (height: number) => void,
  para: (text: string, options?: { size?: number; colour?: string; bold?: boolean }) => void,
) {
  const bars = row.quintiles.filter((q) => q.plot !== undefined);
  ensure(60 + 16 * row.quintiles.length);
  doc.moveDown(0.4);
  para(`${row.title}, ${row.year}`, { bold: true });
  para(
    `Partnership ${row.valueText}${row.place === undefined ? '' : `; this place ${row.place.valueText}`}. Gap (quintile 1 - quintile 5): ${row.absoluteGapText}. ${row.trendText}.`,
    { size: 9, colour: GREY },
  );
  if (bars.length === 0) return;
  const top = doc.y + 4;
  const labelWidth = 110;
  const plotWidth = width - labelWidth - 120;
  const values = bars.flatMap((b) => [
    b.plot?.lower ?? b.plot?.value ?? 0,
    b.plot?.upper ?? b.plot?.value ?? 0,
  ]);
  if (row.benchmark !== undefined) values.push(row.benchmark);
  const max = Math.max(...values, 0);
  const min = Math.min(...values, 0);
  const scale = (v: number) => MARGIN + labelWidth + ((v - min) / (max - min || 1)) * plotWidth;
  row.quintiles.forEach((q, i) => {
    const y = top + i * 16;
    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor(TEXT)
      .text(plain(q.label), MARGIN, y + 2, { width: labelWidth - 6 });
    if (q.plot !== undefined) {
      const x0 = scale(Math.min(0, q.plot.value));
      const x1 = scale(Math.max(0, q.plot.value));
      doc
        .rect(x0, y + 2, Math.max(1, x1 - x0), 10)
        .fill(COMPARISON_FILL[q.comparison] ?? COMPARISON_FILL['not-compared']);
      if (q.plot.lower !== undefined && q.plot.upper !== undefined) {
        doc
          .moveTo(scale(q.plot.lower), y + 7)
          .lineTo(scale(q.plot.upper), y + 7)
          .lineWidth(1)
          .strokeColor(TEXT)
          .stroke();
      }
    }
    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor(TEXT)
      .text(plain(q.shortText), MARGIN + labelWidth + plotWidth + 8, y + 2, { width: 110 });
  });
  const bottom = top + row.quintiles.length * 16;
  if (row.benchmark !== undefined) {
    doc
      .moveTo(scale(row.benchmark), top)
      .lineTo(scale(row.benchmark), bottom)
      .dash(3, { space: 2 })
      .strokeColor(GREY)
      .stroke()
      .undash();
  }
  doc.x = MARGIN;
  doc.y = bottom + 6;
}
