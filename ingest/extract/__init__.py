"""Field extraction from a document's text: dates, contract numbers, amounts, credit codes, the customer."""
