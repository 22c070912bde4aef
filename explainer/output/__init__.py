"""From the walkthrough model to files: LaTeX, HTML, Markdown, JSON and PDF.

`render` fills the Jinja2 templates (templates/ at the repository top, shipped
inside the package); `mathml` converts math for HTML; `pdf` typesets LaTeX
safely; `json_report` writes every value of a step; `files` writes them all or
none and names them (`paths`).
"""
