// Starts the NHS.UK design system's progressive enhancements. Pages work without it.
import { initAll } from '/assets/nhsuk/nhsuk-frontend.min.js';

initAll();
