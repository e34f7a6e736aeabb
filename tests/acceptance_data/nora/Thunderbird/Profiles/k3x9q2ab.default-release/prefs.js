// Mozilla User Preferences
user_pref("mail.identity.id1.useremail", "nora.whitfield@brightlane.io");
user_pref("mail.identity.id1.fullName", "Nora Whitfield");
user_pref("mail.server.server2.hostname", "outlook.office365.com");
