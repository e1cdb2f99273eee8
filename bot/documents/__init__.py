"""The documents people read: the shipped font, the charts (one geometry, drawn to SVG and
to PDF), the PDF page and the HTML templates."""
