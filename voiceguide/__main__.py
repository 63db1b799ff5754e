from voiceguide.cli import main

raise SystemExit(main())
