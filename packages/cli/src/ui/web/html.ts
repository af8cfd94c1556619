import { h } from 'preact';
import htm from 'htm';

/**
 * Tagged templates for Preact (htm): every interpolated value becomes a text node or a property,
 * never parsed as HTML, so span names and attributes are always shown as text.
 */
export const html = htm.bind(h);
