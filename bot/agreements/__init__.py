"""The third contract: agreements and i-deals between an employee and their manager (or an
agency), from negotiation and signing to follow-ups, notices, HR's register, the signed
document, and the agency contact's e-mail and web page."""
