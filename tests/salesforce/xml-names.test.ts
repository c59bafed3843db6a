import { describe, expect, it } from 'vitest';
import { parseOutboundMessage } from '../../src/webhooks/salesforce-outbound.ts';
import { longXmlName, MAX_XML_NAME } from '../../src/webhooks/xml-characters.ts';
import { outboundMessage } from '../support/salesforce-app.ts';

const ORG = '00D5g000004SxyZEAS';

describe('outbound messages: element names are bounded before the XML is validated', () => {
  it('refuses a message whose element name is longer than the limit, with invalid_xml', () => {
    const name = 'a'.repeat(MAX_XML_NAME + 1);
    const xml = outboundMessage(ORG, [{ type: 'Lead', fields: { Id: '00Q5g0000000001EAA' } }]);
    const parsed = parseOutboundMessage(xml.replace('<ActionId>', `<${name}/><ActionId>`));
    expect(parsed).toMatchObject({ ok: false, code: 'invalid_xml' });
  });

  it('finds a long name in a 1 MiB document, opening or closing tag, and nothing in text', () => {
    const long = 'x'.repeat(1 << 20);
    expect(longXmlName(`<${long}>`)).toBe(true);
    expect(longXmlName(`<a></${long}>`)).toBe(true);
    expect(longXmlName(`<a b="${long}">${long}</a>`)).toBe(false);
    expect(longXmlName(`<a><![CDATA[${long}]]><!--${long}--></a>`)).toBe(false);
  });

  it('lets a message as Salesforce writes it through', () => {
    const xml = outboundMessage(ORG, [{ type: 'Lead', fields: { Id: '00Q5g0000000001EAA' } }]);
    expect(longXmlName(xml)).toBe(false);
    expect(parseOutboundMessage(xml)).toMatchObject({ ok: true });
  });
});
