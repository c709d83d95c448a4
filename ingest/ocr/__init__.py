"""OCR: pages read by tesseract in worker processes, their clean-up steps and the searchable PDF."""
